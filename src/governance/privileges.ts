import { ModelSqlError } from "../errors.js";
import type { SecurableType } from "./securables.js";

/** Unity Catalog's privileges that modelsql checks. */
export const PRIVILEGES = [
  "USE CATALOG",
  "USE SCHEMA",
  "SELECT",
  "MODIFY",
  "EXECUTE",
  "CREATE SCHEMA",
  "CREATE TABLE",
  "CREATE FUNCTION",
  "CREATE MODEL",
  "MANAGE",
  "ALL PRIVILEGES",
] as const;
export type Privilege = (typeof PRIVILEGES)[number];

/**
 * Where each privilege may be granted. As in Unity Catalog, a privilege granted on a catalog or
 * schema applies to every current and future object below it (SELECT on a schema reads all its
 * tables), which is why object privileges may be granted on containers too.
 */
const GRANTABLE_ON: Readonly<Record<SecurableType, readonly Privilege[]>> = {
  CATALOG: PRIVILEGES,
  SCHEMA: [
    "USE SCHEMA",
    "SELECT",
    "MODIFY",
    "EXECUTE",
    "CREATE TABLE",
    "CREATE FUNCTION",
    "CREATE MODEL",
    "MANAGE",
    "ALL PRIVILEGES",
  ],
  TABLE: ["SELECT", "MODIFY", "MANAGE", "ALL PRIVILEGES"],
  FUNCTION: ["EXECUTE", "MANAGE", "ALL PRIVILEGES"],
  MODEL: ["EXECUTE", "MANAGE", "ALL PRIVILEGES"],
};

export function parsePrivilege(text: string): Privilege {
  const normalized = text.trim().toUpperCase().replace(/\s+/g, " ").replace(/_/g, " ");
  const privilege = (normalized === "ALL" ? "ALL PRIVILEGES" : normalized) as Privilege;
  if (!PRIVILEGES.includes(privilege)) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `'${text}' is not a privilege`, {
      hint: `Privileges: ${PRIVILEGES.join(", ")}.`,
    });
  }
  return privilege;
}

export function checkGrantable(privilege: Privilege, type: SecurableType): void {
  if (!GRANTABLE_ON[type].includes(privilege)) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `${privilege} cannot be granted on a ${type}`, {
      hint: `On a ${type}: ${GRANTABLE_ON[type].join(", ")}.`,
    });
  }
}
