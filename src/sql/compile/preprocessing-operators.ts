import type { ScalarTypeName } from "../dialects/sql-type.js";
import type { CompileOperator } from "./compile-operator.js";
import { integer, numbers, perColumn, strings, text } from "./node-attributes.js";
import { columnsOf, numbersOf, rows, type SqlTensor, unsupported } from "./sql-tensor.js";

/** ONNX element types a Cast may target, as SQL types (TensorProto.DataType numbers). */
const CAST_TARGETS: Readonly<Record<number, ScalarTypeName>> = {
  1: "FLOAT",
  11: "DOUBLE",
  6: "INT",
  7: "BIGINT",
  9: "BOOLEAN",
};

/** Operators that change only the shape: per-row values stay as they are, row-major. */
const passThrough: CompileOperator = ({ inputs }) => [inputs[0] as SqlTensor];

/**
 * The preprocessing operators skl2onnx emits for scikit-learn's ColumnTransformer, encoders,
 * imputers, scalers and feature selectors.
 */
export const PREPROCESSING_OPERATORS: Readonly<Record<string, CompileOperator>> = {
  Reshape: passThrough,
  Identity: passThrough,
  Flatten: passThrough,
  Squeeze: passThrough,
  Unsqueeze: passThrough,
  // A ZipMap turns the probability rows into maps; the compiled function reads the columns.
  ZipMap: passThrough,

  Concat: ({ inputs }) => [rows(inputs.flatMap((input) => columnsOf(input, "Concat")))],

  Cast: ({ node, inputs, sql }) => {
    const to = integer(node, "to", 0);
    const type = CAST_TARGETS[to];
    if (!type) throw unsupported(`Cast to ONNX element type ${to}`);
    const input = inputs[0] as SqlTensor;
    if (input.kind === "constant") {
      if (type === "BOOLEAN") throw unsupported("Cast of a constant to BOOLEAN");
      return [
        {
          ...input,
          values: numbersOf(input, "Cast").map((value) =>
            type === "INT" || type === "BIGINT"
              ? Math.trunc(value)
              : type === "FLOAT"
                ? Math.fround(value)
                : value,
          ),
        },
      ];
    }
    return [
      rows(
        input.columns.map((column) =>
          type === "INT" || type === "BIGINT" ? sql.truncatingCast(column, type) : sql.cast(column, type),
        ),
      ),
    ];
  },

  OneHotEncoder: ({ node, inputs, sql }) => {
    // zeros=0 makes ONNX Runtime fail on a category it has not seen; SQL would answer zeros.
    if (integer(node, "zeros", 1) !== 1)
      throw unsupported("OneHotEncoder that fails on unknown categories (zeros=0)");
    const categories =
      strings(node, "cats_strings")?.map((value) => sql.text(value)) ??
      numbers(node, "cats_int64s").map(String);
    return [
      rows(
        columnsOf(inputs[0] as SqlTensor, "OneHotEncoder").flatMap((column) =>
          categories.map((category) => `CASE WHEN ${column} = ${category} THEN 1e0 ELSE 0e0 END`),
        ),
      ),
    ];
  },

  Imputer: ({ node, inputs, sql }) => {
    const imputed =
      numbers(node, "imputed_value_floats", []).length > 0
        ? numbers(node, "imputed_value_floats")
        : numbers(node, "imputed_value_int64s");
    const replaced = numbers(
      node,
      "replaced_value_float",
      numbers(node, "replaced_value_int64", [Number.NaN]),
    )[0] as number;
    return [
      rows(
        columnsOf(inputs[0] as SqlTensor, "Imputer").map((column, index, all) => {
          if (imputed.length !== 1 && imputed.length !== all.length)
            throw unsupported("Imputer whose imputed values do not match its columns");
          const missing = Number.isNaN(replaced)
            ? sql.missing(column)
            : `${column} = ${sql.number(replaced)}`;
          return `CASE WHEN ${missing} THEN ${sql.number(perColumn(imputed, index))} ELSE ${column} END`;
        }),
      ),
    ];
  },

  Scaler: ({ node, inputs, sql }) => {
    const offset = numbers(node, "offset", [0]);
    const scale = numbers(node, "scale", [1]);
    return [
      rows(
        columnsOf(inputs[0] as SqlTensor, "Scaler").map((column, index) =>
          // In float32 steps, as ONNX Runtime computes it: a difference or product of two
          // float32 values is exact in double, so rounding each to FLOAT rounds as float32
          // arithmetic does (a scaled value on a tree threshold then takes the same branch).
          sql.cast(
            `${sql.cast(`${column} - ${sql.number(perColumn(offset, index))}`, "FLOAT")} * ${sql.number(perColumn(scale, index))}`,
            "FLOAT",
          ),
        ),
      ),
    ];
  },

  Normalizer: ({ node, inputs }) => {
    const input = inputs[0] as SqlTensor;
    const columns = columnsOf(input, "Normalizer");
    const norm = text(node, "norm", "MAX");
    // skl2onnx follows a multinomial softmax with an L1 Normalizer, which leaves it unchanged.
    if (norm === "L1" && input.kind === "rows" && input.sumsToOne) return [input];
    const divisor =
      norm === "L1"
        ? `(${columns.map((column) => `abs(${column})`).join(" + ")})`
        : norm === "L2"
          ? `sqrt(${columns.map((column) => `(${column}) * (${column})`).join(" + ")})`
          : norm === "MAX"
            ? `greatest(${columns.join(", ")})`
            : undefined;
    if (!divisor) throw unsupported(`Normalizer with norm ${norm}`);
    // A zero norm leaves the row as it is, as ONNX Runtime does (Spark in ANSI mode would fail
    // on the division).
    return [
      rows(
        columns.map((column) => `CASE WHEN ${divisor} = 0 THEN ${column} ELSE (${column}) / ${divisor} END`),
      ),
    ];
  },

  Binarizer: ({ node, inputs, sql }) => {
    const threshold = sql.number(numbers(node, "threshold", [0])[0] as number);
    return [
      rows(
        columnsOf(inputs[0] as SqlTensor, "Binarizer").map(
          (column) => `CASE WHEN ${column} > ${threshold} THEN 1e0 ELSE 0e0 END`,
        ),
      ),
    ];
  },

  /** Feature selection (rows by constant indices), or a lookup of constants by a per-row index. */
  ArrayFeatureExtractor: ({ inputs, sql }) => {
    const [data, indices] = inputs as [SqlTensor, SqlTensor];
    if (data.kind === "rows") {
      return [
        rows(
          numbersOf(indices, "ArrayFeatureExtractor").map((index) => {
            const column = data.columns[index];
            if (column === undefined) throw unsupported(`ArrayFeatureExtractor index ${index} out of range`);
            return column;
          }),
        ),
      ];
    }
    const [index] = columnsOf(indices, "ArrayFeatureExtractor");
    if (index === undefined) throw unsupported("ArrayFeatureExtractor without indices");
    const cases = data.values.map((value, position) => `WHEN ${position} THEN ${sql.value(value)}`);
    return [rows([`CASE ${index} ${cases.join(" ")} END`])];
  },
};
