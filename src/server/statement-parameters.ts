import { z } from "zod";
import { quoteLiteral } from "../engines/duckdb/duckdb-catalog-names.js";
import { ModelSqlError } from "../errors.js";
import { tokenize } from "../sql/sql-tokens.js";

/** A named parameter as Databricks' Statement Execution API takes it: `:name` in the statement. */
export const statementParameter = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  value: z.string().nullable().optional(),
  type: z.string().optional(),
});

export type StatementParameter = z.infer<typeof statementParameter>;

/** Databricks' parameter types and DuckDB's spelling of each. */
const TYPES: Readonly<Record<string, string>> = {
  STRING: "VARCHAR",
  BOOLEAN: "BOOLEAN",
  TINYINT: "TINYINT",
  BYTE: "TINYINT",
  SMALLINT: "SMALLINT",
  SHORT: "SMALLINT",
  INT: "INTEGER",
  INTEGER: "INTEGER",
  BIGINT: "BIGINT",
  LONG: "BIGINT",
  FLOAT: "FLOAT",
  DOUBLE: "DOUBLE",
  DATE: "DATE",
  TIMESTAMP: "TIMESTAMP",
};

function duckdbType(text: string | undefined, name: string): string {
  const upper = (text ?? "STRING").trim().toUpperCase();
  const decimal = /^DECIMAL\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(upper);
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2] ?? 0})`;
  const type = TYPES[upper];
  if (!type) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `Parameter '${name}' has the type '${text}', which is not supported`,
      {
        hint: `Use one of ${Object.keys(TYPES).join(", ")} or DECIMAL(p, s).`,
      },
    );
  }
  return type;
}

/**
 * Binds `:name` markers to the request's parameters: each becomes a typed literal,
 * `CAST('<value>' AS <type>)`, before the statement is analysed, so a value is data and never
 * SQL. Markers are found with the tokenizer, so text in strings, quoted names and comments is
 * left alone, as are `::` casts and `:=`. A marker with no parameter is refused, as Databricks
 * refuses it (UNBOUND_SQL_PARAMETER).
 */
export function bindParameters(statement: string, parameters: readonly StatementParameter[]): string {
  const byName = new Map(parameters.map((parameter) => [parameter.name.toLowerCase(), parameter]));
  const tokens = tokenize(statement);
  let bound = "";
  let copied = 0;
  for (const [index, token] of tokens.entries()) {
    const next = tokens[index + 1];
    const previous = tokens[index - 1];
    const isMarker =
      token.kind === "symbol" &&
      token.text === ":" &&
      next?.kind === "word" &&
      next.start === token.end &&
      /^[A-Za-z_]/.test(next.text) &&
      !(previous?.kind === "symbol" && previous.text === ":" && previous.end === token.start);
    if (!isMarker || !next) continue;
    const parameter = byName.get(next.text.toLowerCase());
    if (!parameter) {
      if (parameters.length === 0) continue; // No parameters given: the text is the user's SQL as written.
      throw new ModelSqlError(
        "INVALID_PARAMETER_VALUE",
        `The statement uses :${next.text}, but no parameter has that name`,
        {
          hint: `Add {"name": "${next.text}", "value": "..."} to parameters.`,
        },
      );
    }
    const type = duckdbType(parameter.type, parameter.name);
    const value =
      parameter.value === null || parameter.value === undefined ? "NULL" : quoteLiteral(parameter.value);
    bound += `${statement.slice(copied, token.start)}CAST(${value} AS ${type})`;
    copied = next.end;
  }
  return bound + statement.slice(copied);
}
