import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { pushDown } from "../engines/databricks/pushdown-rewrite.js";
import { type LocalSession, userColumnNames } from "../engines/duckdb/local-session.js";
import { plainValue } from "../engines/duckdb/result-values.js";
import { describeCause, ModelSqlError } from "../errors.js";
import { DATABRICKS } from "../sql/dialects/databricks-dialect.js";
import { DUCKDB } from "../sql/dialects/duckdb-dialect.js";
import { translateSql } from "../sql/rewrite/dialect-translation.js";
import { inOriginalText } from "../sql/rewrite/position-mapping.js";
import { globalOptions, withWorkspace } from "./cli-context.js";
import { parseTimeout, runOnDatabricks } from "./databricks-run.js";
import {
  addDialectOptions,
  checkedDialect,
  checkedTarget,
  type DialectOptions,
  dialectOf,
  inLocalDialect,
} from "./dialect-options.js";
import { governanceOnly, runGovernanceScript } from "./governance-script.js";
import { RESULT_FORMATS, type ResultFormat, resultWriter } from "./result-writers.js";
import { addSessionOptions, type SessionOptions, withLocalSession } from "./session-context.js";

interface QueryOptions extends SessionOptions, DialectOptions {
  file?: string;
  timeout?: string;
}

function resultFormat(command: Command): ResultFormat {
  const given = globalOptions(command).format ?? "table";
  if (!(RESULT_FORMATS as readonly string[]).includes(given)) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `--format '${given}' is not one of: ${RESULT_FORMATS.join(", ")}.`,
    );
  }
  return given as ResultFormat;
}

function scriptOf(sql: string | undefined, options: QueryOptions): string {
  if (sql !== undefined && options.file !== undefined) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      "Pass the SQL as an argument or with --file, not both.",
    );
  }
  if (options.file !== undefined) {
    try {
      return readFileSync(options.file, "utf8");
    } catch (error) {
      throw new ModelSqlError(
        "INVALID_PARAMETER_VALUE",
        `Cannot read '${options.file}': ${describeCause(error)}`,
      );
    }
  }
  if (sql === undefined)
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", "No SQL given.", {
      hint: 'Run: modelsql query "SELECT ..." or modelsql query --file script.sql.',
    });
  return sql;
}

/**
 * The script as DuckDB-dialect text for deciding whether it is only GRANT / REVOKE / SHOW
 * GRANTS (which run without DuckDB). A Databricks script that cannot be translated without a
 * session (an ai_query) is not one.
 */
function governanceText(script: string, options: QueryOptions): string {
  if (checkedDialect(options) === "duckdb") return script;
  try {
    return translateSql(script, DATABRICKS, DUCKDB);
  } catch {
    return "";
  }
}

export function addQueryCommand(program: Command): void {
  const command = program
    .command("query")
    .description(
      "Run SQL on the workspace's data with its prediction functions; prints the last statement's result",
    )
    .argument("[sql]", "the SQL to run (one or more statements separated by ;)")
    .option("-f, --file <file.sql>", "read the SQL from a file")
    .option("--profile <name>", "with --target databricks: the ~/.databrickscfg profile to connect with")
    .option("--timeout <seconds>", "with --target databricks: cancel the statement after this long");
  addDialectOptions(addSessionOptions(command)).action(
    async (sql: string | undefined, options: QueryOptions, self: Command) => {
      const format = resultFormat(self);
      const script = scriptOf(sql, options);
      if (checkedTarget(options) === "databricks") {
        // Checked here first, as the principal, against this workspace's grants; then only the
        // checked, rewritten statements go to the warehouse.
        const statements = await withLocalSession(self, options, async (session, workspace) => {
          const local = await inLocalDialect(script, options, session, workspace);
          try {
            const planned = await session.plan(local, { enforce: true });
            return planned.map((statement) => pushDown(statement).databricksSql);
          } catch (error) {
            throw inOriginalText(
              error,
              { text: local, dialect: DUCKDB },
              { text: script, dialect: dialectOf(options) },
            );
          }
        });
        const timeoutSeconds = parseTimeout(options.timeout);
        await runOnDatabricks(statements, {
          writer: resultWriter(format, process.stdout),
          ...(options.profile ? { profile: options.profile } : {}),
          ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
        });
        return;
      }
      const governance = governanceOnly(governanceText(script, options));
      if (governance) {
        await withWorkspace(self, async (workspace) => {
          const result = await runGovernanceScript(governance, {
            workspace,
            principal: options.as ?? workspace.owner,
            currentSchema: options.schema ?? workspace.settings.sessionDefaults().currentSchema,
          });
          const writer = resultWriter(format, process.stdout);
          await writer.begin(result.columns);
          await writer.rows(result.rows.map((row) => [...row]));
          await writer.end();
        });
        return;
      }
      await withLocalSession(self, options, async (session, workspace) => {
        const local = await inLocalDialect(script, options, session, workspace);
        try {
          await runLocally(session, local, format);
        } catch (error) {
          throw inOriginalText(
            error,
            { text: local, dialect: DUCKDB },
            { text: script, dialect: dialectOf(options) },
          );
        }
      });
    },
  );
}

/** Runs a DuckDB-dialect script on the local engine and streams the last result. */
async function runLocally(session: LocalSession, script: string, format: ResultFormat): Promise<void> {
  const { result, statement } = await session.execute(script);
  const types = result.columnTypes();
  const writer = resultWriter(format, process.stdout);
  try {
    await writer.begin(userColumnNames(result.deduplicatedColumnNames()));
    for await (const rows of result.yieldRowsJs()) {
      await writer.rows(
        rows.map((row) =>
          row.map((value, index) => plainValue(value, types[index] as (typeof types)[number])),
        ),
      );
    }
  } catch (error) {
    const translated = await session.translate(error, statement);
    await session.complete(false, translated);
    throw translated;
  }
  await writer.end();
  await session.complete(true);
}
