import { Tensor } from "onnxruntime-node";
import type { TensorDescription } from "./model-interface.js";

/** A column of values for one model input; null stands for a missing value. */
export type ColumnValues = readonly (number | bigint | string | boolean | null)[];

/**
 * The tensor shape a column of `rows` values takes for an input: models converted for column
 * feeds declare [N]; skl2onnx's default is [N, 1]. Both are accepted.
 */
export function columnShape(input: TensorDescription, rows: number): number[] {
  if (input.shape.length === 1) return [rows];
  if (input.shape.length === 2 && (input.shape[1] === 1 || typeof input.shape[1] !== "number"))
    return [rows, 1];
  throw new Error(
    `input '${input.name}' has shape [${input.shape.join(", ")}]; a column feeds only [N] or [N, 1] inputs`,
  );
}

function numbers(values: ColumnValues): number[] {
  return values.map((value) => (value === null ? Number.NaN : Number(value)));
}

/** Builds the tensor for one input from a column of JavaScript values. */
export function columnTensor(input: TensorDescription, values: ColumnValues): Tensor {
  const shape = columnShape(input, values.length);
  switch (input.elementType) {
    case "float32":
      return new Tensor("float32", Float32Array.from(numbers(values)), shape);
    case "float64":
      return new Tensor("float64", Float64Array.from(numbers(values)), shape);
    case "int32":
      return new Tensor("int32", Int32Array.from(numbers(values)), shape);
    case "int64":
      return new Tensor("int64", BigInt64Array.from(values.map((value) => BigInt(value ?? 0))), shape);
    case "bool":
      return new Tensor("bool", Uint8Array.from(values.map((value) => (value ? 1 : 0))), shape);
    case "string":
      return new Tensor(
        "string",
        values.map((value) => (value === null ? "" : String(value))),
        shape,
      );
    default:
      throw new Error(
        `input '${input.name}' has element type ${input.elementType}, which modelsql cannot feed`,
      );
  }
}
