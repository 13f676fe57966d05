import { argmaxLabel, postTransform } from "./classifier-outputs.js";
import type { CompileOperator, OperatorContext } from "./compile-operator.js";
import { classLabels, numbers, text } from "./node-attributes.js";
import { columnsOf, rows, type SqlTensor, unsupported } from "./sql-tensor.js";

/**
 * intercept + Σ coefficient · feature, one score per row of the coefficient matrix, then the
 * post transform: the shared part of LinearClassifier and LinearRegressor.
 */
function linearScores(context: OperatorContext): { raw: string[]; transformed: readonly string[] } {
  const { node, inputs, sql } = context;
  const features = columnsOf(inputs[0] as SqlTensor, node.opType);
  const coefficients = numbers(node, "coefficients");
  const intercepts = numbers(node, "intercepts", []);
  const count = coefficients.length / features.length;
  if (!Number.isInteger(count))
    throw unsupported(`${node.opType} whose coefficients do not match its inputs`);
  const raw = Array.from({ length: count }, (_, row) => {
    const terms = features.map(
      (feature, column) =>
        `${sql.number(coefficients[row * features.length + column] as number)} * ${feature}`,
    );
    return `(${[sql.number(intercepts[row] ?? 0), ...terms].join(" + ")})`;
  });
  const transform = text(node, "post_transform", "NONE");
  const transformed = postTransform(sql, transform, raw);
  if (!transformed) throw unsupported(`${node.opType} with post_transform ${transform}`);
  return { raw, transformed };
}

export const LINEAR_OPERATORS: Readonly<Record<string, CompileOperator>> = {
  LinearClassifier: (context) => {
    const labels = classLabels(context.node);
    const { raw, transformed } = linearScores(context);
    // One score for two classes follows rules of its own in ONNX Runtime (skl2onnx writes two
    // rows of coefficients instead); it is left to the UDF rather than guessed.
    if (raw.length === 1 && labels.length === 2)
      throw unsupported("LinearClassifier with one score for two classes");
    const sumsToOne = text(context.node, "post_transform", "NONE") === "SOFTMAX";
    // The label is the class of the largest raw score, as ONNX Runtime picks it.
    return [rows([argmaxLabel(context.sql, raw, labels)]), rows(transformed, sumsToOne)];
  },

  LinearRegressor: (context) => [rows(linearScores(context).transformed)],
};
