import { type DuckDBType, DuckDBTypeId, type JS } from "@duckdb/node-api";

/** A result cell as plain JSON-able data: what `--format json` prints and the HTTP API returns. */
export type PlainValue = null | boolean | number | string | PlainValue[] | { [key: string]: PlainValue };

/**
 * Converts a cell from node-api's JS form into plain data, guided by the column's DuckDB type:
 * integers become numbers when they fit a double exactly (else decimal strings, never rounded),
 * timestamps ISO strings, MAPs objects keyed by their keys, STRUCTs objects, LISTs arrays.
 */
export function plainValue(value: JS | null, type: DuckDBType): PlainValue {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    // node-api reads a DATE as a JS Date at midnight UTC; a date prints as the date alone.
    case DuckDBTypeId.DATE:
      return value instanceof Date ? value.toISOString().slice(0, 10) : scalarValue(value);
    case DuckDBTypeId.MAP: {
      const entries = value as { key: JS | null; value: JS | null }[];
      return Object.fromEntries(
        entries.map((entry) => [
          String(plainValue(entry.key, type.keyType)),
          plainValue(entry.value, type.valueType),
        ]),
      );
    }
    case DuckDBTypeId.STRUCT: {
      const record = value as Record<string, JS | null>;
      return Object.fromEntries(
        type.entryNames.map((name, index) => [
          name,
          plainValue(record[name] ?? null, type.entryTypes[index] as DuckDBType),
        ]),
      );
    }
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return (value as (JS | null)[]).map((item) => plainValue(item, type.valueType));
    default:
      return scalarValue(value);
  }
}

function scalarValue(value: JS): PlainValue {
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map((item) => scalarValue(item as JS));
  if (typeof value === "object") return String(value);
  return String(value);
}
