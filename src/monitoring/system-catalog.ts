import type { Securable } from "../governance/securables.js";

/**
 * The catalog modelsql keeps its own tables in, read-only to everyone, as Databricks keeps
 * `system.serving`: the inference log. Its owner is the workspace owner; others read it when
 * granted USE CATALOG, USE SCHEMA and SELECT, like any table.
 */
export const SYSTEM_CATALOG = "system";
export const SERVING_SCHEMA = "serving";
export const SYSTEM_TABLES = ["inference_log", "inference_samples"] as const;

/** Whether a catalog, schema or table is one of the system catalog's. */
export function isSystemSecurable(target: Securable): boolean {
  switch (target.type) {
    case "CATALOG":
      return target.name === SYSTEM_CATALOG;
    case "SCHEMA":
      return target.name === `${SYSTEM_CATALOG}.${SERVING_SCHEMA}`;
    case "TABLE":
      return SYSTEM_TABLES.some((table) => target.name === `${SYSTEM_CATALOG}.${SERVING_SCHEMA}.${table}`);
    default:
      return false;
  }
}
