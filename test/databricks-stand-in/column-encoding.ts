/**
 * Result schema and COLUMN_BASED_SET encoding, shaped after what the driver's column-based
 * reader (dist/result/JsonResultHandler.js + result/utils.js in @databricks/sql 2.1.0) expects:
 *
 * - The schema is one TColumnDesc per column, 1-based `position`, and a single `primitiveEntry`
 *   whose TTypeId drives decoding (the driver only reads `typeDesc.types[0].primitiveEntry`, and
 *   Databricks sends complex types as a primitive entry with ARRAY_TYPE/STRUCT_TYPE/MAP_TYPE too).
 *   DECIMAL precision/scale go in the `precision`/`scale` type qualifiers.
 * - Each TColumn carries exactly one typed vector (`boolVal`, `byteVal`, `i16Val`, `i32Val`,
 *   `i64Val`, `doubleVal`, `stringVal`, `binaryVal`); the driver takes whichever is present.
 * - `nulls` is a bitmap, LSB first: value i is null when bit (i % 8) of byte floor(i / 8) is set.
 *   `values` still has an entry at null positions (the driver maps over `values`).
 * - Decoding per type: BIGINT i64 → `Int64.toNumber()`; DECIMAL string → `Number(text)`;
 *   DATE/TIMESTAMP strings are returned as is; ARRAY → `JSON.parse` (default []), STRUCT/MAP →
 *   `JSON.parse` (default {}); everything else is passed through.
 *
 * So DATE/TIMESTAMP/DECIMAL/complex values travel as strings rendered the way Spark renders them
 * for the Thrift server (dates `2024-01-31`, timestamps `2024-01-31 12:34:56.789` with trailing
 * fraction zeros dropped, complex values as JSON), and the client sees those strings or parsed JSON.
 *
 * `typeText` has no place in the column-based schema (TColumnDesc has no type-text field;
 * Databricks carries the Spark type text only inside Arrow schema metadata), so it is used here
 * only to derive DECIMAL precision/scale when they are not given.
 */
import type {
  TColumn,
  TColumnDesc,
  TTableSchema,
  TTypeId,
  TTypeQualifiers,
} from "@databricks/sql/thrift/TCLIService_types.js";
import type { StandInColumn, StandInTypeName } from "./stand-in-backend.js";
import { bigintToInt64, Int64, type Int64Value, ttypes } from "./thrift-runtime.js";

const typeIds: Record<StandInTypeName, TTypeId> = {
  STRING: ttypes.TTypeId.STRING_TYPE,
  INT: ttypes.TTypeId.INT_TYPE,
  BIGINT: ttypes.TTypeId.BIGINT_TYPE,
  DOUBLE: ttypes.TTypeId.DOUBLE_TYPE,
  FLOAT: ttypes.TTypeId.FLOAT_TYPE,
  BOOLEAN: ttypes.TTypeId.BOOLEAN_TYPE,
  DECIMAL: ttypes.TTypeId.DECIMAL_TYPE,
  DATE: ttypes.TTypeId.DATE_TYPE,
  TIMESTAMP: ttypes.TTypeId.TIMESTAMP_TYPE,
  ARRAY: ttypes.TTypeId.ARRAY_TYPE,
  STRUCT: ttypes.TTypeId.STRUCT_TYPE,
  MAP: ttypes.TTypeId.MAP_TYPE,
  SMALLINT: ttypes.TTypeId.SMALLINT_TYPE,
  TINYINT: ttypes.TTypeId.TINYINT_TYPE,
  BINARY: ttypes.TTypeId.BINARY_TYPE,
  NULL: ttypes.TTypeId.NULL_TYPE,
};

function decimalQualifiers(column: StandInColumn): TTypeQualifiers | undefined {
  const fromText = /^decimal\((\d+)\s*,\s*(\d+)\)$/i.exec(column.typeText.trim());
  const precision = column.precision ?? (fromText ? Number(fromText[1]) : undefined);
  const scale = column.scale ?? (fromText ? Number(fromText[2]) : undefined);
  if (precision === undefined || scale === undefined) return undefined;
  return new ttypes.TTypeQualifiers({
    qualifiers: {
      [ttypes.PRECISION]: new ttypes.TTypeQualifierValue({ i32Value: precision }),
      [ttypes.SCALE]: new ttypes.TTypeQualifierValue({ i32Value: scale }),
    },
  });
}

function columnDescriptor(column: StandInColumn, index: number): TColumnDesc {
  const typeQualifiers = column.typeName === "DECIMAL" ? decimalQualifiers(column) : undefined;
  return new ttypes.TColumnDesc({
    columnName: column.name,
    position: index + 1,
    typeDesc: new ttypes.TTypeDesc({
      types: [
        new ttypes.TTypeEntry({
          primitiveEntry: new ttypes.TPrimitiveTypeEntry({ type: typeIds[column.typeName], typeQualifiers }),
        }),
      ],
    }),
  });
}

export function tableSchema(columns: readonly StandInColumn[]): TTableSchema {
  return new ttypes.TTableSchema({ columns: columns.map(columnDescriptor) });
}

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

/** Spark's DATE text, from the UTC calendar date. */
export function formatDate(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Spark's TIMESTAMP text in a UTC session (Databricks SQL's default time zone). */
export function formatTimestamp(date: Date): string {
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const fraction = pad(date.getUTCMilliseconds(), 3).replace(/0+$/, "");
  return `${formatDate(date)} ${time}${fraction ? `.${fraction}` : ""}`;
}

/** JSON text for ARRAY/STRUCT/MAP values, tolerating bigint, Date, Map and bytes inside. */
export function complexValueJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(formatTimestamp(value));
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString("base64"));
  if (Array.isArray(value)) return `[${value.map(complexValueJson).join(",")}]`;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return `{${entries.map(([key, item]) => `${JSON.stringify(String(key))}:${complexValueJson(item)}`).join(",")}}`;
}

class ValueTypeError extends TypeError {
  constructor(column: StandInColumn, value: unknown) {
    const shown = typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? String(value));
    super(
      `stand-in: column "${column.name}" (${column.typeName}) cannot hold ${typeof value} value ${shown}`,
    );
  }
}

function asNumber(column: StandInColumn, value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new ValueTypeError(column, value);
}

function asInt64(column: StandInColumn, value: unknown): Int64Value {
  if (typeof value === "bigint") return bigintToInt64(value);
  if (typeof value === "number" && Number.isInteger(value)) return bigintToInt64(BigInt(value));
  throw new ValueTypeError(column, value);
}

function asText(column: StandInColumn, value: unknown): string {
  switch (column.typeName) {
    case "DATE":
      if (value instanceof Date) return formatDate(value);
      break;
    case "TIMESTAMP":
      if (value instanceof Date) return formatTimestamp(value);
      break;
    case "DECIMAL":
      if (typeof value === "bigint") return value.toString();
      if (typeof value === "number")
        return column.scale !== undefined ? value.toFixed(column.scale) : String(value);
      break;
    case "ARRAY":
    case "STRUCT":
    case "MAP":
      return typeof value === "string" ? value : complexValueJson(value);
    default:
      break;
  }
  if (typeof value === "string") return value;
  throw new ValueTypeError(column, value);
}

/** The typed vector for one column of a page, with its null bitmap. */
export function encodeColumn(column: StandInColumn, index: number, rows: readonly unknown[][]): TColumn {
  const nulls = Buffer.alloc(Math.ceil(rows.length / 8));
  const valuesOf = <T>(placeholder: T, convert: (value: unknown) => T): T[] =>
    rows.map((row, i) => {
      const value = row[index];
      if (value === null || value === undefined) {
        nulls[i >> 3] = (nulls[i >> 3] ?? 0) | (1 << (i & 7));
        return placeholder;
      }
      return convert(value);
    });

  switch (column.typeName) {
    case "BOOLEAN":
      return new ttypes.TColumn({
        boolVal: new ttypes.TBoolColumn({
          values: valuesOf(false, (value) => {
            if (typeof value !== "boolean") throw new ValueTypeError(column, value);
            return value;
          }),
          nulls,
        }),
      });
    case "TINYINT":
      return new ttypes.TColumn({
        byteVal: new ttypes.TByteColumn({ values: valuesOf(0, (v) => asNumber(column, v)), nulls }),
      });
    case "SMALLINT":
      return new ttypes.TColumn({
        i16Val: new ttypes.TI16Column({ values: valuesOf(0, (v) => asNumber(column, v)), nulls }),
      });
    case "INT":
      return new ttypes.TColumn({
        i32Val: new ttypes.TI32Column({ values: valuesOf(0, (v) => asNumber(column, v)), nulls }),
      });
    case "BIGINT":
      return new ttypes.TColumn({
        i64Val: new ttypes.TI64Column({
          values: valuesOf<Int64Value>(new Int64(0), (v) => asInt64(column, v)),
          nulls,
        }),
      });
    case "FLOAT":
    case "DOUBLE":
      // Databricks sends FLOAT as doubles too (TColumn has no float vector).
      return new ttypes.TColumn({
        doubleVal: new ttypes.TDoubleColumn({ values: valuesOf(0, (v) => asNumber(column, v)), nulls }),
      });
    case "BINARY":
      return new ttypes.TColumn({
        binaryVal: new ttypes.TBinaryColumn({
          values: valuesOf(Buffer.alloc(0), (value) => {
            if (!(value instanceof Uint8Array)) throw new ValueTypeError(column, value);
            return Buffer.from(value);
          }),
          nulls,
        }),
      });
    default:
      // STRING, DECIMAL, DATE, TIMESTAMP, ARRAY, STRUCT, MAP and NULL are string vectors.
      return new ttypes.TColumn({
        stringVal: new ttypes.TStringColumn({ values: valuesOf("", (v) => asText(column, v)), nulls }),
      });
  }
}
