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
    // One score for two classes: ONNX Runtime gives the second class the score, the first 1 - p.
    const probabilities =
      raw.length === 1 && labels.length === 2
        ? [`(1e0 - ${transformed[0]})`, transformed[0] as string]
        : transformed;
    const sumsToOne = text(context.node, "post_transform", "NONE") === "SOFTMAX";
    return [rows([argmaxLabel(context.sql, probabilities, labels)]), rows(probabilities, sumsToOne)];
  },

  LinearRegressor: (context) => [rows(linearScores(context).transformed)],
};
