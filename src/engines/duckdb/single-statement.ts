import { type DuckDBConnection, type DuckDBPreparedStatement, StatementType } from "@duckdb/node-api";
import { ModelSqlError } from "../../errors.js";

/**
 * Prepares a text that must hold exactly one statement of an expected type, as DuckDB itself
 * splits and classifies it. The analysis reads statement headers with its own tokenizer; this
 * second, independent check makes sure that what runs is what was analysed and nothing more
 * (a tokenizer that disagreed with DuckDB about where a comment ends must not let a second
 * statement through). The prepared statement is what runs.
 */
export async function prepareSingleStatement(
  connection: DuckDBConnection,
  sql: string,
  expected: readonly StatementType[],
): Promise<DuckDBPreparedStatement> {
  const extracted = await connection.extractStatements(sql);
  if (extracted.count !== 1) {
    throw new ModelSqlError(
      "UNSUPPORTED_STATEMENT",
      `DuckDB reads ${extracted.count} statements where modelsql analysed one; nothing was run`,
      {
        hint: "Separate statements with semicolons outside comments and strings.",
      },
    );
  }
  const prepared = await extracted.prepare(0);
  if (!expected.includes(prepared.statementType)) {
    throw new ModelSqlError(
      "UNSUPPORTED_STATEMENT",
      `DuckDB reads the statement as ${StatementType[prepared.statementType]}, not what modelsql analysed; nothing was run`,
    );
  }
  return prepared;
}

/** The DuckDB statement types each analysed statement kind may be. */
export const STATEMENT_TYPES: Readonly<Record<string, readonly StatementType[]>> = {
  query: [StatementType.SELECT],
  create_view: [StatementType.CREATE],
  create_table: [StatementType.CREATE],
  create_schema: [StatementType.CREATE],
  use: [StatementType.SET],
  drop_view: [StatementType.DROP],
};
