import type { PlainResult } from "../governance/governance-runner.js";
import { prepareGovernanceStatement } from "../governance/governance-runner.js";
import { type GovernanceStatement, parseGovernanceStatement } from "../sql/analyse/governance-statements.js";
import { splitStatements, tokenize } from "../sql/sql-tokens.js";
import type { Workspace } from "../workspace.js";

/**
 * The statements of a script that holds only GRANT, REVOKE and SHOW GRANTS, or undefined if it
 * holds anything else. Such a script needs no DuckDB: it runs on the metadata store alone, so it
 * works while another process holds the workspace's data, and the change reaches that process's
 * next statement.
 */
export function governanceOnly(script: string): GovernanceStatement[] | undefined {
  const statements = splitStatements(script).map((statement) =>
    parseGovernanceStatement(tokenize(statement.text)),
  );
  if (statements.length === 0 || statements.some((statement) => statement === undefined)) return undefined;
  return statements as GovernanceStatement[];
}

/**
 * Runs them as the principal, all or none: every statement is checked before any is applied,
 * and they are applied in one transaction. Returns the last one's result.
 */
export async function runGovernanceScript(
  statements: readonly GovernanceStatement[],
  context: { workspace: Workspace; principal: string; currentSchema: string },
): Promise<PlainResult> {
  context.workspace.principals.get(context.principal);
  const applies: (() => PlainResult)[] = [];
  for (const statement of statements) applies.push(await prepareGovernanceStatement(statement, context));
  return context.workspace.grants.transaction(
    () => applies.map((apply) => apply()).at(-1) ?? { columns: [], rows: [] },
  );
}
