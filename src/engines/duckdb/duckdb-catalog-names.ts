import { ModelSqlError } from "../../errors.js";

/**
 * Unity Catalog catalogs as DuckDB databases. DuckDB reserves the name `main` (and `system`,
 * `temp`), so Unity Catalog's default catalog `main` is the DuckDB database `main_db`, and its
 * `system` catalog (modelsql's system tables) is `uc_system`; every other catalog keeps its name. Statements are rewritten accordingly before DuckDB sees them.
 * Verified on DuckDB 1.5.6: `ATTACH ... AS main` fails with "reserved name".
 */
const RENAMED: Readonly<Record<string, string>> = { main: "main_db", system: "uc_system" };
const RESERVED_IN_DUCKDB = new Set(["temp", "memory", "main_db", "uc_system"]);

export function duckdbDatabaseOf(catalog: string): string {
  const renamed = RENAMED[catalog];
  if (renamed) return renamed;
  if (RESERVED_IN_DUCKDB.has(catalog)) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `The catalog name '${catalog}' is reserved by the local engine`,
      {
        hint: "Choose another catalog name.",
      },
    );
  }
  return catalog;
}

export function catalogOfDuckdbDatabase(database: string): string {
  for (const [catalog, renamed] of Object.entries(RENAMED)) if (renamed === database) return catalog;
  return database;
}

/** A DuckDB identifier in double quotes, quotes doubled. */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** A SQL string literal in single quotes. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
