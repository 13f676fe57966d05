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

/** Reads one flat vector of the declared parameter type; `strings` caches text values. */
export function readArgumentColumn(
  vector: duckdb.Vector,
  type: ParameterType,
  rows: number,
  strings: StringVectorReader | undefined,
): ArgumentColumn {
  const valid = readValidity(vector, rows);
  if (type === "STRING")
    return { values: (strings ?? new StringVectorReader()).read(vector, rows, valid), valid };
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
 * The argument columns of a chunk: one vector per parameter in the positional form, or the
 * children of the one STRUCT vector in the struct form (a NULL struct makes every field NULL).
 */
export function readArgumentColumns(
  chunk: duckdb.DataChunk,
  types: readonly ParameterType[],
  form: "positional" | "struct",
  rows: number,
  strings: readonly (StringVectorReader | undefined)[],
): ArgumentColumn[] {
  if (form === "positional") {
    return types.map((type, index) =>
      readArgumentColumn(duckdb.data_chunk_get_vector(chunk, index), type, rows, strings[index]),
    );
  }
  const struct = duckdb.data_chunk_get_vector(chunk, 0);
  const structValid = readValidity(struct, rows);
  return types.map((type, index) => {
    const column = readArgumentColumn(
      duckdb.struct_vector_get_child(struct, index),
      type,
      rows,
      strings[index],
    );
    if (!structValid) return column;
    if (!column.valid) return { values: column.values, valid: structValid };
    const valid = column.valid.map((bit, row) => bit & (structValid[row] as number));
    return { values: column.values, valid };
  });
}
