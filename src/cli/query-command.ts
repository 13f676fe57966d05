import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { userColumnNames } from "../engines/duckdb/local-session.js";
import { plainValue } from "../engines/duckdb/result-values.js";
import { describeCause, ModelSqlError } from "../errors.js";
import { globalOptions, withWorkspace } from "./cli-context.js";
import { governanceOnly, runGovernanceScript } from "./governance-script.js";
import { RESULT_FORMATS, type ResultFormat, resultWriter } from "./result-writers.js";
import { addSessionOptions, type SessionOptions, withLocalSession } from "./session-context.js";

interface QueryOptions extends SessionOptions {
  file?: string;
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

export function addQueryCommand(program: Command): void {
  const command = program
    .command("query")
    .description(
      "Run SQL on the workspace's data with its prediction functions; prints the last statement's result",
    )
    .argument("[sql]", "the SQL to run (one or more statements separated by ;)")
    .option("-f, --file <file.sql>", "read the SQL from a file");
  addSessionOptions(command).action(async (sql: string | undefined, options: QueryOptions, self: Command) => {
    const format = resultFormat(self);
    const script = scriptOf(sql, options);
    const governance = governanceOnly(script);
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
    await withLocalSession(self, options, async (session) => {
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
        await session.complete(false);
        throw await session.translate(error, statement);
      }
      await writer.end();
      await session.complete(true);
    });
  });
}
