import { quoteLiteral } from "../engines/duckdb/duckdb-catalog-names.js";
import type { PlainValue } from "../engines/duckdb/result-values.js";
import type { FunctionDefinition } from "../functions/function-definition.js";
import { duckdbTypeName } from "../functions/sql-types.js";

function literal(value: PlainValue): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") {
    // Validated finite before it gets here; a non-finite number would not be a literal.
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  return quoteLiteral(String(value));
}

/**
 * The query an invocation runs: the function called on the request's rows, given as a VALUES
 * list of literals (validated against the function's parameter types before) cast to the
 * parameter types, in request order. It runs as any statement does: analysed, authorized
 * (EXECUTE on the function), bound to the version the function resolves to now, and logged.
 */
export function invocationSql(
  definition: FunctionDefinition,
  rows: readonly (readonly PlainValue[])[],
): string {
  const columns = definition.parameters.map((_, index) => `p${index}`);
  const values = rows
    .map((row, index) => `(${[String(index), ...row.map((value) => literal(value))].join(", ")})`)
    .join(",\n");
  const args = definition.parameters
    .map((parameter, index) => `CAST(request_rows.${columns[index]} AS ${duckdbTypeName(parameter.type)})`)
    .join(", ");
  // Function names are validated lower-case identifiers: written bare, as users write them.
  return `SELECT ${definition.name}(${args}) AS prediction\nFROM (VALUES ${values}) AS request_rows(ordinal, ${columns.join(", ")})\nORDER BY request_rows.ordinal`;
}
