import { existsSync } from "node:fs";
import path from "node:path";
import { completeName } from "../catalog/three-level-name.js";
import { ModelSqlError } from "../errors.js";
import { isSystemSecurable } from "../monitoring/system-catalog.js";
import type { GovernanceStatement } from "../sql/analyse/governance-statements.js";
import type { Workspace } from "../workspace.js";
import { checkGrantable } from "./privileges.js";
import { describeSecurable, type Securable, securable } from "./securables.js";

/** A statement's answer as plain rows (SHOW GRANTS), or none (GRANT, REVOKE). */
export interface PlainResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export const SHOW_GRANTS_COLUMNS = ["principal", "ActionType", "ObjectType", "ObjectKey"] as const;

/** Names written relative to the current schema, completed as Unity Catalog does. */
function fullName(parts: readonly string[], type: Securable["type"], currentSchema: string): string {
  return completeName(parts, type === "CATALOG" ? 1 : type === "SCHEMA" ? 2 : 3, currentSchema);
}

/**
 * Whether a securable exists, from the workspace's metadata alone: functions and models by their
 * catalogs, tables, views and schemas by the ownership modelsql records when it creates them, a
 * catalog by its data file. No DuckDB file is opened, so GRANT and REVOKE work while another
 * process holds the data (a server, a long `score`).
 */
export async function securableExists(target: Securable, workspace: Workspace): Promise<boolean> {
  if (isSystemSecurable(target)) return true;
  switch (target.type) {
    case "FUNCTION":
      return workspace.functions.find(target.name) !== undefined;
    case "MODEL":
      return workspace.registry.getModel(target.name).then(
        () => true,
        () => false,
      );
    case "CATALOG":
      return target.name === "main" || existsSync(path.join(workspace.paths.data, `${target.name}.duckdb`));
    case "TABLE":
      return workspace.grants.ownerOf(target) !== undefined;
    case "SCHEMA":
      return (
        workspace.grants.ownerOf(target) !== undefined ||
        workspace.grants.ownedUnder(target.name) ||
        workspace.functions.list().some((stored) => stored.definition.name.startsWith(`${target.name}.`))
      );
  }
}

/**
 * Checks a GRANT, REVOKE or SHOW GRANTS for a principal and returns what applies it. Only an
 * owner of the securable (or of a catalog or schema above it), or a holder of MANAGE, may grant,
 * revoke, or see every grant; anyone may see their own. The securable and the principal must
 * exist and the privilege must apply to the securable's type. SHOW GRANTS answers with
 * Databricks' columns. Checking first lets a script of several apply all or nothing.
 */
export async function prepareGovernanceStatement(
  statement: GovernanceStatement,
  context: { workspace: Workspace; principal: string; currentSchema: string },
): Promise<() => PlainResult> {
  const { workspace, principal } = context;
  const target = securable(
    statement.securableType,
    fullName(statement.name, statement.securableType, context.currentSchema),
  );
  if (!(await securableExists(target, workspace))) {
    throw new ModelSqlError(
      target.type === "TABLE" ? "TABLE_OR_VIEW_NOT_FOUND" : "INVALID_PARAMETER_VALUE",
      `There is no ${describeSecurable(target)}`,
    );
  }
  const manages = workspace.authorizer.mayManage(principal, target);
  if (statement.kind === "show_grants") {
    if (!manages && statement.principal !== principal) {
      throw new ModelSqlError(
        "INSUFFICIENT_PERMISSIONS",
        `User '${principal}' does not have MANAGE on ${describeSecurable(target)}`,
        {
          hint: "Without MANAGE, SHOW GRANTS shows only your own: SHOW GRANTS <you> ON ...",
        },
      );
    }
    return () => ({
      columns: SHOW_GRANTS_COLUMNS,
      rows: workspace.grants
        .grantsOn(target, statement.principal)
        .map((grant) => [grant.principal, grant.privilege, target.type, target.name]),
    });
  }
  if (!manages) {
    throw new ModelSqlError(
      "INSUFFICIENT_PERMISSIONS",
      `User '${principal}' does not have MANAGE on ${describeSecurable(target)}`,
      {
        hint: "Only an owner or a holder of MANAGE may grant and revoke.",
      },
    );
  }
  workspace.principals.get(statement.principal);
  for (const privilege of statement.privileges) checkGrantable(privilege, target.type);
  return () => {
    for (const privilege of statement.privileges) {
      if (statement.kind === "grant")
        workspace.grants.grant(target, statement.principal, privilege, principal);
      else workspace.grants.revoke(target, statement.principal, privilege);
    }
    return { columns: [], rows: [] };
  };
}

/** Checks and applies one statement. */
export async function runGovernanceStatement(
  statement: GovernanceStatement,
  context: { workspace: Workspace; principal: string; currentSchema: string },
): Promise<PlainResult> {
  return (await prepareGovernanceStatement(statement, context))();
}
