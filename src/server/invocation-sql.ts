import { type DuckDBPreparedStatement, type DuckDBValue, LIST } from "@duckdb/node-api";
import { DUCKDB_TYPES } from "../engines/duckdb/prediction-udf.js";
import type { PlainValue } from "../engines/duckdb/result-values.js";
import type { FunctionDefinition } from "../functions/function-definition.js";
import { duckdbTypeName } from "../functions/sql-types.js";

/**
 * Up to this many rows an invocation binds its rows as one typed list per parameter; above it,
 * as one JSON document that DuckDB parses itself. Measured here: binding lists costs about
 * 1.3 microseconds a value in node-api (19 columns of 100 rows: 2.4 ms), while a JSON document
 * costs about 1 ms whatever its size up to a few hundred rows.
 */
const LIST_BINDING_ROWS = 16;

export type RowBinding = "lists" | "json";

export function rowBindingFor(rowCount: number): RowBinding {
  return rowCount <= LIST_BINDING_ROWS ? "lists" : "json";
}

/**
 * The query an invocation runs: the function called over the request's rows, in request order.
 * The rows come as one list per parameter ($1 ... $n, unnested side by side, the row count last)
 * or as one JSON document of those lists ($1). The text is the same for every request to a
 * function and binding, so the session analyses and prepares it once; it runs as any statement
 * does: authorized (EXECUTE on the function), bound to the version the function resolves to
 * now, and logged.
 */
export function invocationSql(definition: FunctionDefinition, binding: RowBinding): string {
  const args = definition.parameters.map((_, index) => `request_rows.p${index}`).join(", ");
  let rows: string;
  if (binding === "lists") {
    const count = definition.parameters.length;
    const columns = definition.parameters.map(
      (parameter, index) => `unnest($${index + 1}::${duckdbTypeName(parameter.type)}[]) AS p${index}`,
    );
    rows = `SELECT ${columns.join(", ")}, unnest(range($${count + 1}::BIGINT)) AS ordinal`;
  } else {
    const shape = definition.parameters
      .map((parameter, index) => `"p${index}": ["${duckdbTypeName(parameter.type)}"]`)
      .join(", ");
    const columns = definition.parameters.map((_, index) => `unnest(request.p${index}) AS p${index}`);
    rows = `SELECT ${columns.join(", ")}, unnest(range(len(request.p0))) AS ordinal FROM (SELECT from_json($1::VARCHAR, '{${shape}}') AS request)`;
  }
  // Function names are validated lower-case identifiers: written bare, as users write them.
  return `SELECT ${definition.name}(${args}) AS prediction
FROM (${rows}) AS request_rows
ORDER BY request_rows.ordinal`;
}

/** Binds the rows (validated against the parameter types) as the query's binding takes them. */
export function bindInvocationRows(
  definition: FunctionDefinition,
  rows: readonly (readonly PlainValue[])[],
  binding: RowBinding,
): (prepared: DuckDBPreparedStatement) => void {
  if (binding === "json") {
    const document: Record<string, PlainValue[]> = {};
    definition.parameters.forEach((_, index) => {
      document[`p${index}`] = rows.map((row) => row[index] ?? null);
    });
    const text = JSON.stringify(document);
    return (prepared) => prepared.bindVarchar(1, text);
  }
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
