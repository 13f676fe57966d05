import { type DuckDBPreparedStatement, type DuckDBValue, LIST } from "@duckdb/node-api";
import { DUCKDB_TYPES } from "../engines/duckdb/prediction-udf.js";
import type { PlainValue } from "../engines/duckdb/result-values.js";
import type { FunctionDefinition } from "../functions/function-definition.js";
import { duckdbTypeName } from "../functions/sql-types.js";

/**
 * The query an invocation runs: the function called over the request's rows, passed as one
 * list per parameter ($1 ... $n, unnested side by side) with the row count last, in request
 * order. The text is the same for every request to a function, so the session analyses and
 * prepares it once; it runs as any statement does: authorized (EXECUTE on the function), bound
 * to the version the function resolves to now, and logged.
 */
export function invocationSql(definition: FunctionDefinition): string {
  const count = definition.parameters.length;
  const columns = definition.parameters.map(
    (parameter, index) => `unnest($${index + 1}::${duckdbTypeName(parameter.type)}[]) AS p${index}`,
  );
  const args = definition.parameters.map((_, index) => `request_rows.p${index}`).join(", ");
  // Function names are validated lower-case identifiers: written bare, as users write them.
  return `SELECT ${definition.name}(${args}) AS prediction
FROM (SELECT ${columns.join(", ")}, unnest(range($${count + 1}::BIGINT)) AS ordinal) AS request_rows
ORDER BY request_rows.ordinal`;
}

/** Binds the rows (validated against the parameter types) to the query's lists. */
export function bindInvocationRows(
  definition: FunctionDefinition,
  rows: readonly (readonly PlainValue[])[],
): (prepared: DuckDBPreparedStatement) => void {
  return (prepared) => {
    definition.parameters.forEach((parameter, index) => {
      const values = rows.map((row): DuckDBValue => {
        const value = row[index] ?? null;
        if (value === null) return null;
        return parameter.type === "BIGINT" ? BigInt(value as number) : (value as DuckDBValue);
      });
      prepared.bindList(index + 1, values, LIST(DUCKDB_TYPES[parameter.type]));
    });
    prepared.bindBigInt(definition.parameters.length + 1, BigInt(rows.length));
  };
}
