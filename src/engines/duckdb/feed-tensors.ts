import { Tensor } from "onnxruntime-node";
import { columnShape } from "../../models/column-tensor.js";
import type { TensorDescription } from "../../models/model-interface.js";
import type { ArgumentColumn } from "./vector-columns.js";

/** A coded text column's tensor: the model loads that input as int64 codes (see onnx-model.ts). */
function codesTensor(codes: BigInt64Array, rows: Int32Array | undefined, shape: number[]): Tensor {
  if (!rows) return new Tensor("int64", codes, shape);
  // Copied as pairs of 32-bit words: the same bytes, without a BigInt per value.
  const picked = new BigInt64Array(rows.length);
  const from = new Int32Array(codes.buffer, codes.byteOffset, codes.length * 2);
  const to = new Int32Array(picked.buffer);
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index] as number;
    to[index * 2] = from[row * 2] as number;
    to[index * 2 + 1] = from[row * 2 + 1] as number;
  }
  return new Tensor("int64", picked, shape);
}

/**
 * Converts an argument column into the tensor for its model input, taking only the rows in
 * `rows` (all rows when undefined). Values already in the input's element type are passed
 * without a copy. A NULL in an optional float input becomes NaN, the missing value the model's
 * imputer expects.
 */
export function feedTensor(
  input: TensorDescription,
  column: ArgumentColumn,
  rowCount: number,
  rows: Int32Array | undefined,
): Tensor {
  const count = rows ? rows.length : rowCount;
  const shape = columnShape(input, count);
  const source = column.values;
  const pick = <T>(read: (row: number) => T): T[] => {
    const out = new Array<T>(count);
    for (let index = 0; index < count; index += 1) out[index] = read(rows ? (rows[index] as number) : index);
    return out;
  };
  const isValid = (row: number) => !column.valid || column.valid[row] === 1;
  switch (input.elementType) {
    case "string":
      if (column.categoryCodes) return codesTensor(column.values as BigInt64Array, rows, shape);
      // Without NULLs or a row selection the column already is the tensor's data.
      if (!rows && !column.valid) return new Tensor("string", source as string[], shape);
      return new Tensor(
        "string",
        pick((row) => (source as (string | null)[])[row] ?? ""),
        shape,
      );
    case "int64": {
      if (source instanceof BigInt64Array && !rows) return new Tensor("int64", source, shape);
      const out = new BigInt64Array(count);
      for (let index = 0; index < count; index += 1) {
        const value = (source as ArrayLike<number | bigint>)[rows ? (rows[index] as number) : index];
        out[index] = typeof value === "bigint" ? value : BigInt(value ?? 0);
      }
      return new Tensor("int64", out, shape);
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let index = 0; index < count; index += 1)
        out[index] = Number((source as ArrayLike<number>)[rows ? (rows[index] as number) : index]);
      return new Tensor("int32", out, shape);
    }
    case "float32":
    case "float64": {
      const out = input.elementType === "float32" ? new Float32Array(count) : new Float64Array(count);
      if (!rows && !column.valid && (source instanceof Float32Array || source instanceof Float64Array)) {
        if (source.constructor === out.constructor) return new Tensor(input.elementType, source, shape);
        out.set(source);
        return new Tensor(input.elementType, out, shape);
      }
      for (let index = 0; index < count; index += 1) {
        const row = rows ? (rows[index] as number) : index;
        out[index] = isValid(row) ? Number((source as ArrayLike<number | bigint>)[row]) : Number.NaN;
      }
      return new Tensor(input.elementType, out, shape);
    }
    case "bool": {
      const out = new Uint8Array(count);
      for (let index = 0; index < count; index += 1)
        out[index] = (source as Uint8Array)[rows ? (rows[index] as number) : index] ? 1 : 0;
      return new Tensor("bool", out, shape);
    }
    default:
      throw new Error(
        `input '${input.name}' has element type ${input.elementType}, which modelsql cannot feed`,
      );
  }
}
