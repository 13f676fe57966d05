import type { Command } from "commander";
import { ModelSqlError } from "../errors.js";
import { DATABRICKS } from "../sql/dialects/databricks-dialect.js";
import type { Dialect } from "../sql/dialects/dialect.js";
import { DUCKDB } from "../sql/dialects/duckdb-dialect.js";
import { translateSql } from "../sql/rewrite/dialect-translation.js";

const DIALECTS: Record<string, Dialect> = { duckdb: DUCKDB, databricks: DATABRICKS };

function dialectNamed(name: string, option: string): Dialect {
  const dialect = DIALECTS[name.toLowerCase()];
  if (!dialect)
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `${option} '${name}' is not one of: duckdb, databricks`,
    );
  return dialect;
}

export function addTranslateCommand(program: Command): void {
  program
    .command("translate")
    .description(
      "Translate SQL between the DuckDB and Databricks dialects (syntax only; names and functions are not resolved)",
    )
    .argument("<sql>", "the SQL to translate")
    .requiredOption("--from <dialect>", "duckdb or databricks")
    .requiredOption("--to <dialect>", "duckdb or databricks")
    .action((sql: string, options: { from: string; to: string }) => {
      const text = translateSql(sql, dialectNamed(options.from, "--from"), dialectNamed(options.to, "--to"));
      process.stdout.write(`${text.trimEnd()}\n`);
    });
}
