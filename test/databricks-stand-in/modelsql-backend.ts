import { type DuckDBType, DuckDBTypeId } from "@duckdb/node-api";
import { localAiQueryHook } from "../../src/engines/databricks/local-ai-query.js";
import { LocalSession, userColumnNames } from "../../src/engines/duckdb/local-session.js";
import { plainValue } from "../../src/engines/duckdb/result-values.js";
import { asModelSqlError } from "../../src/errors.js";
import { DATABRICKS } from "../../src/sql/dialects/databricks-dialect.js";
import { DUCKDB } from "../../src/sql/dialects/duckdb-dialect.js";
import { translateSql } from "../../src/sql/rewrite/dialect-translation.js";
import { splitStatements } from "../../src/sql/sql-tokens.js";
import { openWorkspace, type Workspace } from "../../src/workspace.js";
import {
  type StandInBackend,
  type StandInColumn,
  StandInError,
  type StandInResult,
  type StandInSession,
  type StandInTypeName,
} from "./stand-in-backend.js";

/** DuckDB result types as Databricks names them (TTypeId) and spells them (Spark type text). */
function databricksColumn(name: string, type: DuckDBType): StandInColumn {
  const simple = (typeName: StandInTypeName, typeText: string): StandInColumn => ({
    name,
    typeName,
    typeText,
  });
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return simple("BOOLEAN", "boolean");
    case DuckDBTypeId.TINYINT:
      return simple("TINYINT", "tinyint");
    case DuckDBTypeId.SMALLINT:
      return simple("SMALLINT", "smallint");
    case DuckDBTypeId.INTEGER:
      return simple("INT", "int");
    case DuckDBTypeId.BIGINT:
      return simple("BIGINT", "bigint");
    case DuckDBTypeId.FLOAT:
      return simple("FLOAT", "float");
    case DuckDBTypeId.DOUBLE:
      return simple("DOUBLE", "double");
    case DuckDBTypeId.VARCHAR:
      return simple("STRING", "string");
    case DuckDBTypeId.DATE:
      return simple("DATE", "date");
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return simple("TIMESTAMP", "timestamp");
    case DuckDBTypeId.DECIMAL:
      return {
        name,
        typeName: "DECIMAL",
        typeText: `decimal(${type.width},${type.scale})`,
        precision: type.width,
        scale: type.scale,
      };
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return simple("ARRAY", `array<${databricksColumn("", type.valueType).typeText}>`);
    case DuckDBTypeId.STRUCT:
      return simple(
        "STRUCT",
        `struct<${type.entryNames.map((entry, index) => `${entry}:${databricksColumn("", type.entryTypes[index] as DuckDBType).typeText}`).join(",")}>`,
      );
    case DuckDBTypeId.MAP:
      return simple(
        "MAP",
        `map<${databricksColumn("", type.keyType).typeText},${databricksColumn("", type.valueType).typeText}>`,
      );
    case DuckDBTypeId.SQLNULL:
      return simple("NULL", "void");
    default:
      return simple("STRING", "string");
  }
}

/** Any failure as Databricks reports it: `[CLASS] message SQLSTATE: xxxxx`. */
function standInError(error: unknown): StandInError {
  const failure = asModelSqlError(error);
  return new StandInError(failure.detail, failure.sqlState, failure.errorClass);
}

/**
 * A "warehouse" for the stand-in server: a modelsql workspace whose local engine runs what the
 * driver sends, read as Databricks SQL (translated to DuckDB, with ai_query on the workspace's
 * endpoints scored locally). Each bearer token maps to a principal, so grants apply as on a
 * warehouse. A CREATE FUNCTION that modelsql deploys is checked (its body must translate and
 * name a function this workspace has) but not stored: the workspace has that function already.
 */
export function modelsqlBackend(
  directory: string,
  tokens: Readonly<Record<string, string>>,
): StandInBackend & {
  readonly executed: string[];
} {
  const executed: string[] = [];
  return {
    executed,
    async openSession(token) {
      const principal = tokens[token];
      if (!principal) throw new StandInError("Invalid access token.", "28000", "UNAUTHENTICATED");
      const workspace: Workspace = openWorkspace(directory);
      const session = await LocalSession.open(workspace, { principal, intraOpThreads: 1 });
      const standIn: StandInSession = {
        async execute(sql, { signal }): Promise<StandInResult> {
          executed.push(sql);
          // An interrupt that reaches DuckDB before the statement starts executing is lost, so it is
          // repeated until the statement has stopped.
          let repeat: NodeJS.Timeout | undefined;
          const onAbort = () => {
            session.interrupt();
            repeat ??= setInterval(() => session.interrupt(), 100);
          };
          const stopInterrupting = () => {
            signal.removeEventListener("abort", onAbort);
            if (repeat) clearInterval(repeat);
          };
          signal.addEventListener("abort", onAbort, { once: true });
          try {
            const bindings = await session.currentBindings();
            const definitions = [...bindings.values()].map((bound) => bound.definition);
            if (/^\s*CREATE\s+OR\s+REPLACE\s+FUNCTION\b/i.test(sql)) {
              const name = /FUNCTION\s+([\w.`]+)\s*\(/i.exec(sql)?.[1]?.replaceAll("`", "");
              if (!name || !bindings.has(name))
                throw new StandInError(`No such function to deploy: ${name}`, "42883", "UNRESOLVED_ROUTINE");
              const body = sql.slice(sql.search(/\bRETURN\b/i) + "RETURN".length);
              translateSql(body, DATABRICKS, DUCKDB, {
                call: localAiQueryHook(
                  definitions,
                  (fn) => bindings.get(fn)?.binding,
                  workspace.deployments.list(),
                ),
              });
              return { columns: [], batches: (async function* () {})() };
            }
            const local = translateSql(sql, DATABRICKS, DUCKDB, {
              call: localAiQueryHook(
                definitions,
                (fn) => bindings.get(fn)?.binding,
                workspace.deployments.list(),
              ),
            });
            if (splitStatements(local).length !== 1) {
              throw new StandInError("Exactly one statement per request.", "42601", "PARSE_SYNTAX_ERROR");
            }
            const { result, statement } = await session.execute(local);
            const types = result.columnTypes();
            const names = userColumnNames(result.deduplicatedColumnNames());
            const columns = names.map((name, index) => databricksColumn(name, types[index] as DuckDBType));
            async function* batches(): AsyncGenerator<unknown[][]> {
              try {
                for await (const rows of result.yieldRowsJs()) {
                  yield rows.map((row) =>
                    row.map((value, index) => {
                      const plain = plainValue(value, types[index] as DuckDBType);
                      return types[index]?.typeId === DuckDBTypeId.MAP && plain !== null
                        ? new Map(Object.entries(plain as Record<string, unknown>))
                        : plain;
                    }),
                  );
                }
                await session.complete(true);
              } catch (error) {
                await session.complete(false);
                throw standInError(await session.translate(error, statement));
              } finally {
                stopInterrupting();
              }
            }
            return { columns, batches: batches() };
          } catch (error) {
            stopInterrupting();
            if (error instanceof StandInError) throw error;
            throw standInError(error);
          }
        },
        async close() {
          session.close();
          workspace.close();
        },
      };
      return standIn;
    },
  };
}
