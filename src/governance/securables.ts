import { ModelSqlError } from "../errors.js";

/**
 * What privileges are granted on, as Unity Catalog has them. Views are granted on as tables
 * (`GRANT SELECT ON TABLE main.sales.churn_scores` and `ON VIEW` name the same securable).
 */
export const SECURABLE_TYPES = ["CATALOG", "SCHEMA", "TABLE", "FUNCTION", "MODEL"] as const;
export type SecurableType = (typeof SECURABLE_TYPES)[number];

export interface Securable {
  readonly type: SecurableType;
  /** Canonical lower-case name: `main`, `main.sales`, `main.sales.customers`. */
  readonly name: string;
}

export function describeSecurable(securable: Securable): string {
  return `${securable.type} '${securable.name}'`;
}

const PARTS: Readonly<Record<SecurableType, number>> = {
  CATALOG: 1,
  SCHEMA: 2,
  TABLE: 3,
  FUNCTION: 3,
  MODEL: 3,
};

export function securable(type: SecurableType, name: string): Securable {
  const parts = name.toLowerCase().split(".");
  if (parts.length !== PARTS[type] || parts.some((part) => part === "")) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `'${name}' is not a ${type.toLowerCase()} name`, {
      hint:
        type === "CATALOG"
          ? "A catalog name has one part."
          : type === "SCHEMA"
            ? "A schema name is catalog.schema."
            : `A ${type.toLowerCase()} name is catalog.schema.name.`,
    });
  }
  return { type, name: parts.join(".") };
}

/** The securable and the ones above it: the object, its schema, its catalog. */
export function withAncestors(target: Securable): Securable[] {
  const parts = target.name.split(".");
  const chain: Securable[] = [target];
  if (parts.length === 3) chain.push({ type: "SCHEMA", name: parts.slice(0, 2).join(".") });
  if (parts.length >= 2) chain.push({ type: "CATALOG", name: parts[0] as string });
  return chain;
}
