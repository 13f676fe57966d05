import { ModelSqlError } from "../../errors.js";

/**
 * A tensor of an ONNX graph as the compiler holds it: either per-row values, one SQL expression
 * per column of a row (the batch dimension is the table's rows, and any other dimensions are
 * flattened in row-major order, which is how every operator the compiler knows reads them), or
 * a constant (an initializer) with its shape and values.
 */
export type SqlTensor =
  | {
      readonly kind: "rows";
      readonly columns: readonly string[];
      /** Known to be probabilities that sum to one (a softmax): an L1 normalization keeps them. */
      readonly sumsToOne?: boolean;
    }
  | {
      readonly kind: "constant";
      readonly dims: readonly number[];
      readonly values: readonly (number | string)[];
    };

export const rows = (columns: readonly string[], sumsToOne = false): SqlTensor => ({
  kind: "rows",
  columns,
  ...(sumsToOne ? { sumsToOne } : {}),
});

export function unsupported(detail: string): ModelSqlError {
  return new ModelSqlError("UNSUPPORTED_FEATURE", detail, {
    hint: "The model scores through its ONNX Runtime UDF instead.",
  });
}

/** The per-row columns of a tensor; a constant here is a graph the compiler does not handle. */
export function columnsOf(tensor: SqlTensor, where: string): readonly string[] {
  if (tensor.kind === "rows") return tensor.columns;
  throw unsupported(`${where} on a constant tensor`);
}

/** The numeric values of a constant tensor. */
export function numbersOf(tensor: SqlTensor, where: string): readonly number[] {
  if (tensor.kind === "constant" && tensor.values.every((value) => typeof value === "number"))
    return tensor.values as readonly number[];
  throw unsupported(`${where} whose parameter is not a numeric constant`);
}
