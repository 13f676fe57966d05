import { DuckDBListValue, DuckDBMapValue, DuckDBStructValue, type DuckDBValue } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import type { ParameterType } from "../../functions/sql-types.js";
import type { ScoredSample } from "../../monitoring/statement-observations.js";
import type { CallForm } from "./udf-names.js";

/**
 * A DuckDB value object (as a UDF writes or reads one) as plain data for the inference log:
 * STRUCTs and MAPs as objects, LISTs as arrays. Result cells read from a query go through
 * result-values.ts instead, which works from node-api's JS form and the column type.
 */
export function sampledValue(value: DuckDBValue): unknown {
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([key, item]) => [key, sampledValue(item)]));
  }
  if (value instanceof DuckDBMapValue) {
    return Object.fromEntries(value.entries.map((entry) => [String(entry.key), sampledValue(entry.value)]));
  }
  if (value instanceof DuckDBListValue) return value.items.map(sampledValue);
  if (value !== null && typeof value === "object") return String(value);
  return value;
}

/** Row indexes 0..n-1 without allocating per chunk (a chunk holds at most 2048 rows). */
const ROW_INDEXES = Int32Array.from({ length: 4096 }, (_, index) => index);

export function everyRow(rows: number): Int32Array {
  return rows <= ROW_INDEXES.length
    ? ROW_INDEXES.subarray(0, rows)
    : Int32Array.from({ length: rows }, (_, i) => i);
}

const WIDTH: Readonly<Record<ParameterType, number>> = {
  BOOLEAN: 1,
  INT: 4,
  BIGINT: 8,
  FLOAT: 4,
  DOUBLE: 8,
  STRING: 16,
};
const decoder = new TextDecoder();

/** A flat column of a chunk, its bytes fetched from DuckDB once. */
export class ChunkColumn {
  private readonly data: Uint8Array;
  private readonly validity: Uint8Array | null;

  constructor(
    vector: duckdb.Vector,
    private readonly type: ParameterType,
    rows: number,
  ) {
    this.data = duckdb.vector_get_data(vector, rows * WIDTH[type]);
    this.validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
  }

  /** One cell, as JavaScript: numbers, BIGINT as bigint, text decoded. */
  read(row: number): unknown {
    const { validity, data, type } = this;
    if (validity && (((validity[row >> 3] as number) >> (row & 7)) & 1) === 0) return null;
    const width = WIDTH[type];
    const view = new DataView(data.buffer, data.byteOffset + row * width, width);
    switch (type) {
      case "BOOLEAN":
        return view.getUint8(0) !== 0;
      case "INT":
        return view.getInt32(0, true);
      case "BIGINT":
        return view.getBigInt64(0, true);
      case "FLOAT":
        return view.getFloat32(0, true);
      case "DOUBLE":
        return view.getFloat64(0, true);
      case "STRING": {
        const length = view.getUint32(0, true);
        if (length <= 12) return decoder.decode(data.subarray(row * width + 4, row * width + 4 + length));
        return decoder.decode(
          duckdb.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + row * width + 8, length),
        );
      }
    }
  }
}

/** A function's parameters as the sample names and reads them. */
export interface SampledParameter {
  readonly name: string;
  readonly type: ParameterType;
}

/**
 * Reads one row's arguments and value from a UDF's chunk, for the rows the sample keeps. The
 * arguments start at column `firstArgument`: the function's parameters one per column, or the
 * fields of one STRUCT (the struct call form). `valueAt` reads the function's value of a row.
 */
export function sampleReader(
  parameters: readonly SampledParameter[],
  form: CallForm,
  chunk: duckdb.DataChunk,
  valueAt: (row: number) => unknown,
  firstArgument = 0,
): (row: number) => ScoredSample {
  // Columns are fetched on the chunk's first kept row, once: the node API's own column wrapper
  // decodes every value of a column (each string), which cost the compiled route a third of its
  // rate when done per kept row.
  let columns: ChunkColumn[] | undefined;
  const columnsOfChunk = (): ChunkColumn[] => {
    const rows = duckdb.data_chunk_get_size(chunk);
    const struct = form === "struct" ? duckdb.data_chunk_get_vector(chunk, firstArgument) : undefined;
    return parameters.map(
      (parameter, index) =>
        new ChunkColumn(
          struct
            ? duckdb.struct_vector_get_child(struct, index)
            : duckdb.data_chunk_get_vector(chunk, firstArgument + index),
          parameter.type,
          rows,
        ),
    );
  };
  return (row) => {
    columns ??= columnsOfChunk();
    const inputs = Object.fromEntries(
      parameters.map((parameter, index) => [parameter.name, (columns as ChunkColumn[])[index]?.read(row)]),
    );
    return { inputs, prediction: sampledValue(valueAt(row) as DuckDBValue) };
  };
}
