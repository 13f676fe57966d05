import duckdb from "@duckdb/node-bindings";
import type { ParameterType } from "../../functions/sql-types.js";
import { StringVectorReader } from "./string-vector-reader.js";

/**
 * One argument column of a DuckDB chunk, read once into a typed array. `valid` is undefined
 * when DuckDB says every row is valid. NULL rows hold garbage in `values` (FINDINGS.md): callers
 * must consult `valid` before using a value.
 */
export interface ArgumentColumn {
  readonly values: Float64Array | Float32Array | Int32Array | BigInt64Array | Uint8Array | (string | null)[];
  readonly valid: Uint8Array | undefined;
  /** A text column read as the category codes of the model input it feeds (`values` are int64). */
  readonly categoryCodes?: true;
}

const BYTES: Readonly<Record<Exclude<ParameterType, "STRING">, number>> = {
  BOOLEAN: 1,
  INT: 4,
  BIGINT: 8,
  FLOAT: 4,
  DOUBLE: 8,
};

/** Expands DuckDB's validity bitmask (64-bit words, bit i = row i) to one byte per row. */
function readValidity(vector: duckdb.Vector, rows: number): Uint8Array | undefined {
  const words = Math.ceil(rows / 64);
  const bytes = duckdb.vector_get_validity(vector, words * 8);
  if (!bytes) return undefined;
  const valid = new Uint8Array(rows);
  let allValid = true;
  for (let row = 0; row < rows; row += 1) {
    const bit = ((bytes[row >> 3] as number) >> (row & 7)) & 1;
    valid[row] = bit;
    if (bit === 0) allValid = false;
  }
  return allValid ? undefined : valid;
}

/** Reads one flat numeric or boolean vector of the declared parameter type. */
function readNumericColumn(
  vector: duckdb.Vector,
  type: Exclude<ParameterType, "STRING">,
  rows: number,
): ArgumentColumn {
  const valid = readValidity(vector, rows);
  const data = duckdb.vector_get_data(vector, rows * BYTES[type]);
  const buffer = data.buffer;
  const offset = data.byteOffset;
  switch (type) {
    case "BOOLEAN":
      return { values: new Uint8Array(buffer, offset, rows), valid };
    case "INT":
      return { values: new Int32Array(buffer, offset, rows), valid };
    case "BIGINT":
      return { values: new BigInt64Array(buffer, offset, rows), valid };
    case "FLOAT":
      return { values: new Float32Array(buffer, offset, rows), valid };
    case "DOUBLE":
      return { values: new Float64Array(buffer, offset, rows), valid };
  }
}

/**
 * How a UDF's arguments are laid out in its chunk: the parameters (one vector each, or the
 * children of one STRUCT vector), then one UBIGINT hash vector per text parameter, in order.
 */
export interface ArgumentLayout {
  readonly types: readonly ParameterType[];
  readonly form: "positional" | "struct";
  /** One reader per parameter; undefined for non-text parameters. */
  readonly strings: readonly (StringVectorReader | undefined)[];
}

/**
 * `codes`: per parameter, the category codes of the model input it feeds, where the model loaded
 * that input as codes; such a text column is read as its codes.
 */
export function argumentLayout(
  types: readonly ParameterType[],
  form: "positional" | "struct",
  codes: readonly (ReadonlyMap<string, number> | undefined)[] = [],
): ArgumentLayout {
  return {
    types,
    form,
    strings: types.map((type, index) =>
      type === "STRING" ? new StringVectorReader(codes[index]) : undefined,
    ),
  };
}

/** A chunk's arguments: one column per parameter, and which rows have a NULL STRUCT argument. */
export interface ChunkArguments {
  readonly columns: ArgumentColumn[];
  /** STRUCT form only: 0 where the STRUCT itself is NULL; undefined when none is. */
  readonly structValid: Uint8Array | undefined;
}

/** Reads every argument column of a chunk (a NULL struct makes each of its fields NULL). */
export function readArgumentColumns(
  chunk: duckdb.DataChunk,
  layout: ArgumentLayout,
  rows: number,
): ChunkArguments {
  const struct = layout.form === "struct" ? duckdb.data_chunk_get_vector(chunk, 0) : undefined;
  const structValid = struct ? readValidity(struct, rows) : undefined;
  let nextHash = layout.form === "struct" ? 1 : layout.types.length;
  const columns = layout.types.map((type, index) => {
    const vector = struct
      ? duckdb.struct_vector_get_child(struct, index)
      : duckdb.data_chunk_get_vector(chunk, index);
    let column: ArgumentColumn;
    if (type === "STRING") {
      const valid = readValidity(vector, rows);
      const hashes = duckdb.data_chunk_get_vector(chunk, nextHash);
      nextHash += 1;
      const reader = layout.strings[index] as StringVectorReader;
      column = reader.readsCodes
        ? { values: reader.readCodes(vector, hashes, rows, valid), valid, categoryCodes: true }
        : { values: reader.read(vector, hashes, rows, valid), valid };
    } else {
      column = readNumericColumn(vector, type, rows);
    }
    if (!structValid) return column;
    const fieldValid = column.valid;
    const valid = fieldValid ? fieldValid.map((bit, row) => bit & (structValid[row] as number)) : structValid;
    return { ...column, valid };
  });
  return { columns, structValid };
}
