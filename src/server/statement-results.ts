import { type DuckDBResult, type DuckDBType, DuckDBTypeId, JSDuckDBValueConverter } from "@duckdb/node-api";
import { userColumnNames } from "../engines/duckdb/local-session.js";
import { plainValue } from "../engines/duckdb/result-values.js";
import { ModelSqlError } from "../errors.js";
import type { StatementColumn, StatementOutcome } from "./engine-protocol.js";

/** A DuckDB type as Databricks names it in a result manifest (`type_name`). */
function databricksTypeName(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.TINYINT:
      return "BYTE";
    case DuckDBTypeId.SMALLINT:
      return "SHORT";
    case DuckDBTypeId.INTEGER:
      return "INT";
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return "LONG";
    // Wider than Databricks' LONG: its DECIMAL(38, 0) holds them.
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
      return "DECIMAL";
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.UUID:
      return "STRING";
    case DuckDBTypeId.BLOB:
      return "BINARY";
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return "ARRAY";
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_S:
      return "TIMESTAMP";
    default:
      return DuckDBTypeId[type.typeId] ?? "STRING";
  }
}

/** A DuckDB type in Databricks SQL's spelling (`type_text`): STRING, BIGINT, STRUCT<label: BIGINT>. */
function databricksTypeText(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.STRUCT:
      return `STRUCT<${type.entryNames.map((name, index) => `${name}: ${databricksTypeText(type.entryTypes[index] as DuckDBType)}`).join(", ")}>`;
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return `ARRAY<${databricksTypeText(type.valueType)}>`;
    case DuckDBTypeId.MAP:
      return `MAP<${databricksTypeText(type.keyType)}, ${databricksTypeText(type.valueType)}>`;
    case DuckDBTypeId.BIGINT:
      return "BIGINT";
    case DuckDBTypeId.INTEGER:
      return "INT";
    case DuckDBTypeId.DECIMAL:
      return type.toString();
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
      return "DECIMAL(38,0)";
    default:
      return databricksTypeName(type);
  }
}

/** A cell as Databricks' JSON_ARRAY format has it: a string (JSON for nested values), or null. */
function cellText(value: Parameters<typeof plainValue>[0], type: DuckDBType): string | null {
  const plain = plainValue(value, type);
  if (plain === null) return null;
  if (typeof plain === "object") return JSON.stringify(plain);
  return String(plain);
}

/**
 * Reads a result as the Statement Execution API returns it inline: at most `rowLimit` rows (one
 * more is read to tell whether the limit cut it short) and the rows that fit in `byteLimit`
 * bytes of JSON (both mark it truncated), refused past the server's `maxResultBytes` so that one
 * statement cannot fill the server's memory.
 */
export async function readStatementResult(
  result: DuckDBResult,
  options: { rowLimit?: number; byteLimit?: number; maxResultBytes: number },
): Promise<StatementOutcome> {
  const types = result.columnTypes();
  const names = userColumnNames(result.deduplicatedColumnNames());
  const columns: StatementColumn[] = names.map((name, position) => ({
    name,
    position,
    type_name: databricksTypeName(types[position] as DuckDBType),
    type_text: databricksTypeText(types[position] as DuckDBType),
  }));
  const rows: (string | null)[][] = [];
  let bytes = 0;
  let truncated = false;
  const limit = options.rowLimit ?? Number.POSITIVE_INFINITY;
  reading: for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const values of chunk.convertRows(JSDuckDBValueConverter)) {
      if (rows.length >= limit) {
        truncated = true;
        break reading;
      }
      const row = values.map((value, index) => cellText(value, types[index] as DuckDBType));
      for (const cell of row) bytes += cell === null ? 5 : cell.length + 3;
      if (options.byteLimit !== undefined && bytes > options.byteLimit) {
        truncated = true;
        break reading;
      }
      if (bytes > options.maxResultBytes) {
        throw new ModelSqlError(
          "RESULT_TOO_LARGE",
          `The result is larger than the server's limit of ${options.maxResultBytes} bytes (reached at row ${rows.length + 1})`,
          { hint: "Aggregate, filter or add LIMIT, or pass row_limit in the request." },
        );
      }
      rows.push(row);
    }
  }
  return { columns, rows, truncated };
}
