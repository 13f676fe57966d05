import type { Command } from "commander";
import { localAiQueryHook } from "../engines/databricks/local-ai-query.js";
import type { LocalSession } from "../engines/duckdb/local-session.js";
import { ModelSqlError } from "../errors.js";
import type { FunctionDefinition } from "../functions/function-definition.js";
import { DATABRICKS } from "../sql/dialects/databricks-dialect.js";
import type { Dialect } from "../sql/dialects/dialect.js";
import { DUCKDB } from "../sql/dialects/duckdb-dialect.js";
import { translateSql } from "../sql/rewrite/dialect-translation.js";
import type { Workspace } from "../workspace.js";

/** Options of commands that take SQL in either dialect and may run it on either engine. */
export interface DialectOptions {
  dialect?: string;
  target?: string;
  profile?: string;
}

export function addDialectOptions(command: Command): Command {
  return command
    .option("--dialect <dialect>", "the dialect the SQL is written in: duckdb or databricks", "duckdb")
    .option("--target <engine>", "where it runs: local (DuckDB) or databricks", "local");
}

export function checkedDialect(options: DialectOptions): "duckdb" | "databricks" {
  const dialect = (options.dialect ?? "duckdb").toLowerCase();
  if (dialect !== "duckdb" && dialect !== "databricks") {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `--dialect '${options.dialect}' is not one of: duckdb, databricks`,
    );
  }
  return dialect;
}

/** The dialect object the SQL is written in. */
export function dialectOf(options: DialectOptions): Dialect {
  return checkedDialect(options) === "databricks" ? DATABRICKS : DUCKDB;
}

export function checkedTarget(options: DialectOptions): "local" | "databricks" {
  const target = (options.target ?? "local").toLowerCase();
  if (target !== "local" && target !== "databricks") {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `--target '${options.target}' is not one of: local, databricks`,
    );
  }
  return target;
}

/** Whether a written name (`predict_churn`, `ml.predict_churn`, ...) can be one of the workspace's functions. */
function isWorkspaceFunction(definitions: readonly FunctionDefinition[], parts: readonly string[]): boolean {
  const written = parts.map((part) => part.toLowerCase()).join(".");
  return definitions.some(
    (definition) => definition.name === written || definition.name.endsWith(`.${written}`),
  );
}

/**
 * The script in DuckDB's dialect, which is what modelsql analyses and checks. Databricks SQL
 * is translated; an ai_query on an endpoint this workspace deploys becomes its function, scored
 * by the version the endpoint serves (local-ai-query.ts).
 */
export async function inLocalDialect(
  script: string,
  options: DialectOptions,
  session: LocalSession,
  workspace: Workspace,
): Promise<string> {
  if (checkedDialect(options) === "duckdb") return script;
  const bindings = await session.currentBindings();
  const definitions = [...bindings.values()].map((bound) => bound.definition);
  return translateSql(script, DATABRICKS, DUCKDB, {
    strictFunctions: true,
    knownFunction: (parts) => isWorkspaceFunction(definitions, parts),
    call: localAiQueryHook(definitions, (name) => bindings.get(name)?.binding, workspace.deployments.list()),
  });
}
