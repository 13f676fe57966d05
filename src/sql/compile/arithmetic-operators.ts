import { argmax, postTransform } from "./classifier-outputs.js";
import type { CompileOperator } from "./compile-operator.js";
import { integer, numbers } from "./node-attributes.js";
import { columnsOf, numbersOf, rows, type SqlTensor, unsupported } from "./sql-tensor.js";
import type { SqlWriter } from "./sql-writer.js";

/** A tensor's values as SQL, one per column, for element-wise operators. */
function operands(tensor: SqlTensor, sql: SqlWriter): readonly string[] {
  return tensor.kind === "rows" ? tensor.columns : tensor.values.map((value) => sql.value(value));
}

/**
 * An element-wise binary operator with ONNX broadcasting along the last axis: equal widths pair
 * up; a width of one (a scalar, a [N, 1] column or a [1] constant) applies to every column.
 */
function elementwise(symbol: string): CompileOperator {
  return ({ node, inputs, sql }) => {
    const [left, right] = inputs as [SqlTensor, SqlTensor];
    if (left.kind === "constant" && right.kind === "constant")
      throw unsupported(`${node.opType} of two constants`);
    const a = operands(left, sql);
    const b = operands(right, sql);
    const width = Math.max(a.length, b.length);
    if ((a.length !== width && a.length !== 1) || (b.length !== width && b.length !== 1))
      throw unsupported(`${node.opType} of widths ${a.length} and ${b.length}`);
    return [
      rows(
        Array.from(
          { length: width },
          (_, index) => `(${a[a.length === 1 ? 0 : index]} ${symbol} ${b[b.length === 1 ? 0 : index]})`,
        ),
      ),
    ];
  };
}

function unary(apply: (column: string, sql: SqlWriter) => string): CompileOperator {
  return ({ node, inputs, sql }) => [
    rows(columnsOf(inputs[0] as SqlTensor, node.opType).map((column) => apply(column, sql))),
  ];
}

/** Operators over a row's last axis only: the compiler holds a row as one flat vector. */
function lastAxisOnly(opType: string, axis: number): void {
  if (axis !== 1 && axis !== -1) throw unsupported(`${opType} along axis ${axis}`);
}

/** x · W (+ C): a row of C features times a constant [C, K] matrix gives K columns. */
function product(
  features: readonly string[],
  weights: readonly number[],
  sql: SqlWriter,
  transposed: boolean,
  bias?: readonly number[],
): string[] {
  const outputs = weights.length / features.length;
  if (!Number.isInteger(outputs)) throw unsupported("MatMul whose weights do not match its inputs");
  return Array.from({ length: outputs }, (_, output) => {
    const terms = features.map((feature, column) => {
      const weight = weights[
        transposed ? output * features.length + column : column * outputs + output
      ] as number;
      return `${sql.number(weight)} * ${feature}`;
    });
    const constant = bias ? [sql.number((bias.length === 1 ? bias[0] : bias[output]) as number)] : [];
    return `(${[...constant, ...terms].join(" + ")})`;
  });
}

/** The arithmetic skl2onnx emits for linear models in double precision and for probability normalization. */
export const ARITHMETIC_OPERATORS: Readonly<Record<string, CompileOperator>> = {
  Add: elementwise("+"),
  Sub: elementwise("-"),
  Mul: elementwise("*"),
  Div: elementwise("/"),
  Abs: unary((column) => `abs(${column})`),
  Neg: unary((column) => `(-(${column}))`),
  Exp: unary((column) => `exp(${column})`),
  Sigmoid: unary((column, sql) => sql.sigmoid(column)),

  MatMul: ({ inputs, sql }) => {
    const [features, weights] = inputs as [SqlTensor, SqlTensor];
    return [rows(product(columnsOf(features, "MatMul"), numbersOf(weights, "MatMul"), sql, false))];
  },

  Gemm: ({ node, inputs, sql }) => {
    const [features, weights, bias] = inputs as [SqlTensor, SqlTensor, SqlTensor | undefined];
    if (integer(node, "transA", 0) !== 0) throw unsupported("Gemm with transA");
    const alpha = numbers(node, "alpha", [1])[0] as number;
    const beta = numbers(node, "beta", [1])[0] as number;
    const scaled = numbersOf(weights, "Gemm").map((weight) => weight * alpha);
    const offsets = bias ? numbersOf(bias, "Gemm").map((value) => value * beta) : undefined;
    return [
      rows(product(columnsOf(features, "Gemm"), scaled, sql, integer(node, "transB", 0) === 1, offsets)),
    ];
  },

  Softmax: ({ node, inputs, sql }) => {
    lastAxisOnly("Softmax", integer(node, "axis", -1));
    return [
      rows(postTransform(sql, "SOFTMAX", columnsOf(inputs[0] as SqlTensor, "Softmax")) as string[], true),
    ];
  },

  ReduceSum: ({ node, inputs }) => {
    const axes = inputs[1] ? numbersOf(inputs[1], "ReduceSum") : numbers(node, "axes", [1]);
    if (axes.length !== 1) throw unsupported("ReduceSum over several axes");
    lastAxisOnly("ReduceSum", axes[0] as number);
    return [rows([`(${columnsOf(inputs[0] as SqlTensor, "ReduceSum").join(" + ")})`])];
  },

  ArgMax: ({ node, inputs }) => {
    lastAxisOnly("ArgMax", integer(node, "axis", 0));
    if (integer(node, "select_last_index", 0) !== 0) throw unsupported("ArgMax with select_last_index");
    const columns = columnsOf(inputs[0] as SqlTensor, "ArgMax");
    return [
      rows([
        argmax(
          columns,
          columns.map((_, index) => String(index)),
        ),
      ]),
    ];
  },
};
