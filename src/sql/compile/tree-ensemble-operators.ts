import { argmaxLabel, labelLiteral, postTransform } from "./classifier-outputs.js";
import type { CompileOperator } from "./compile-operator.js";
import { classLabels, numbers, strings, text } from "./node-attributes.js";
import type { MlNode } from "./onnx-ml-nodes.js";
import { columnsOf, rows, type SqlTensor, unsupported } from "./sql-tensor.js";
import type { SqlWriter } from "./sql-writer.js";

interface TreeNode {
  readonly mode: string;
  readonly feature: number;
  readonly threshold: number;
  readonly trueId: number;
  readonly falseId: number;
  readonly missingTracksTrue: boolean;
}

/** A tree ensemble's nodes by tree, and each leaf's weight per target (class or output). */
interface Ensemble {
  readonly trees: ReadonlyMap<number, ReadonlyMap<number, TreeNode>>;
  readonly leafWeights: ReadonlyMap<string, readonly number[]>;
  readonly targets: number;
  readonly weightsAllPositive: boolean;
}

function readEnsemble(node: MlNode, prefix: "class" | "target", targets: number): Ensemble {
  const treeIds = numbers(node, "nodes_treeids");
  const nodeIds = numbers(node, "nodes_nodeids");
  const modes = strings(node, "nodes_modes") ?? [];
  const featureIds = numbers(node, "nodes_featureids");
  const thresholds = numbers(node, "nodes_values");
  const trueIds = numbers(node, "nodes_truenodeids");
  const falseIds = numbers(node, "nodes_falsenodeids");
  const missing = numbers(node, "nodes_missing_value_tracks_true", []);
  const trees = new Map<number, Map<number, TreeNode>>();
  treeIds.forEach((tree, index) => {
    const nodes = trees.get(tree) ?? new Map<number, TreeNode>();
    trees.set(tree, nodes);
    nodes.set(nodeIds[index] as number, {
      mode: modes[index] as string,
      feature: featureIds[index] as number,
      threshold: thresholds[index] as number,
      trueId: trueIds[index] as number,
      falseId: falseIds[index] as number,
      missingTracksTrue: missing[index] === 1,
    });
  });
  const ids = numbers(node, `${prefix}_ids`);
  const weightTrees = numbers(node, `${prefix}_treeids`);
  const weightNodes = numbers(node, `${prefix}_nodeids`);
  const weights = numbers(node, `${prefix}_weights`);
  const leafWeights = new Map<string, number[]>();
  ids.forEach((target, index) => {
    const key = `${weightTrees[index]}/${weightNodes[index]}`;
    const entry = leafWeights.get(key) ?? new Array<number>(targets).fill(0);
    entry[target] = (entry[target] ?? 0) + (weights[index] as number);
    leafWeights.set(key, entry);
  });
  return { trees, leafWeights, targets, weightsAllPositive: weights.every((weight) => weight >= 0) };
}

/**
 * The branch condition of a node, as ONNX Runtime decides it for a float32 feature and a
 * float32 threshold (both exact as doubles, so comparing them as doubles takes the same branch).
 * A missing value (NULL, or NaN) takes the true branch when nodes_missing_value_tracks_true says
 * so; otherwise it fails every comparison but "not equal", as NaN does in IEEE 754. SQL engines
 * order NaN above every number, so the greater-than modes exclude it explicitly.
 */
function condition(sql: SqlWriter, node: TreeNode, feature: string): string {
  const threshold = sql.number(node.threshold);
  const missing = sql.missing(feature);
  const test = (() => {
    switch (node.mode) {
      case "BRANCH_LEQ":
        return `${feature} <= ${threshold}`;
      case "BRANCH_LT":
        return `${feature} < ${threshold}`;
      case "BRANCH_GTE":
        return `(${feature} >= ${threshold} AND NOT isnan(${feature}))`;
      case "BRANCH_GT":
        return `(${feature} > ${threshold} AND NOT isnan(${feature}))`;
      case "BRANCH_EQ":
        return `${feature} = ${threshold}`;
      case "BRANCH_NEQ":
        return `(${feature} IS NULL OR ${feature} <> ${threshold})`;
      default:
        throw unsupported(`a tree node of mode ${node.mode}`);
    }
  })();
  return node.missingTracksTrue ? `(${missing} OR ${test})` : test;
}

/** Each tree as a nested CASE giving its leaf's weight for one target. */
function treeExpressions(
  sql: SqlWriter,
  ensemble: Ensemble,
  features: readonly string[],
  target: number,
): string[] {
  return [...ensemble.trees].map(([tree, nodes]) => {
    const expression = (id: number, depth: number): string => {
      const current = nodes.get(id);
      if (!current || depth > nodes.size)
        throw unsupported(`a tree ensemble whose tree ${tree} has no node ${id}`);
      if (current.mode === "LEAF")
        return sql.number(ensemble.leafWeights.get(`${tree}/${id}`)?.[target] ?? 0);
      const feature = features[current.feature];
      if (feature === undefined)
        throw unsupported(`a tree node on feature ${current.feature}, which the input lacks`);
      return `CASE WHEN ${condition(sql, current, feature)} THEN ${expression(current.trueId, depth + 1)} ELSE ${expression(current.falseId, depth + 1)} END`;
    };
    const root = Math.min(...nodes.keys());
    return expression(root, 0);
  });
}

/**
 * The raw score per target. Each node repeats its feature's expression (a one-hot CASE, say):
 * binding the features once through a lambda (SqlWriter.shared) was tried and made DuckDB five
 * times slower on the example trees (36,810 rows/s against 128,765), so they are not shared.
 */
function rawScores(node: MlNode, sql: SqlWriter, ensemble: Ensemble, features: readonly string[]): string[] {
  return Array.from({ length: ensemble.targets }, (_, target) =>
    ensembleScore(node, sql, ensemble, features, target),
  );
}

/** One target's score: its trees combined by aggregate_function, plus its base value. */
function ensembleScore(
  node: MlNode,
  sql: SqlWriter,
  ensemble: Ensemble,
  features: readonly string[],
  target: number,
): string {
  const trees = treeExpressions(sql, ensemble, features, target);
  const aggregate = text(node, "aggregate_function", "SUM");
  const base = numbers(node, "base_values", [])[target] ?? 0;
  switch (aggregate) {
    case "SUM":
      return `(${sql.number(base)} + ${trees.join(" + ")})`;
    case "AVERAGE":
      return `(${sql.number(base)} + (${trees.join(" + ")}) / ${sql.number(trees.length)})`;
    case "MIN":
      return `(${sql.number(base)} + least(${trees.join(", ")}))`;
    case "MAX":
      return `(${sql.number(base)} + greatest(${trees.join(", ")}))`;
    default:
      throw unsupported(`a tree ensemble with aggregate_function ${aggregate}`);
  }
}

export const TREE_ENSEMBLE_OPERATORS: Readonly<Record<string, CompileOperator>> = {
  TreeEnsembleClassifier: ({ node, inputs, sql }) => {
    const labels = classLabels(node);
    const features = columnsOf(inputs[0] as SqlTensor, "TreeEnsembleClassifier");
    const targets = Math.max(...numbers(node, "class_ids")) + 1;
    const ensemble = readEnsemble(node, "class", targets);
    // ONNX Runtime sums a float tree ensemble in float32: rounding the sum to FLOAT gives the
    // label it gives where the double sum lands just past a cut (five of ten votes: 0.5).
    const scores = rawScores(node, sql, ensemble, features).map((score) => sql.cast(score, "FLOAT"));
    const transform = text(node, "post_transform", "NONE");
    const transformed = postTransform(sql, transform, scores);
    if (!transformed) throw unsupported(`TreeEnsembleClassifier with post_transform ${transform}`);
    if (targets === 1 && labels.length === 2) {
      // ONNX Runtime then writes [1 - s, s] of the raw score, without the transform.
      if (ensemble.weightsAllPositive && transform !== "NONE")
        throw unsupported(
          `a binary TreeEnsembleClassifier of positive weights with post_transform ${transform}`,
        );
      // Binary with one score, as ONNX Runtime finalizes it: the label from the raw score (over
      // 0.5 when every weight is positive, so the score is a probability; else over 0), the
      // probabilities [1 - p, p], or [-s, s] for raw scores that are not probabilities.
      const score = scores[0] as string;
      const p = transformed[0] as string;
      const cut = ensemble.weightsAllPositive ? "5e-1" : "0e0";
      const label = `CASE WHEN ${score} > ${cut} THEN ${labelLiteral(sql, labels[1] as string | number)} ELSE ${labelLiteral(sql, labels[0] as string | number)} END`;
      const probabilities =
        transform === "NONE" && !ensemble.weightsAllPositive ? [`(-${p})`, p] : [`(1e0 - ${p})`, p];
      return [rows([label]), rows(probabilities)];
    }
    // The label is the class of the largest raw score, as ONNX Runtime picks it (a transform can
    // round two large scores to the same probability).
    return [rows([argmaxLabel(sql, scores, labels)]), rows(transformed, transform === "SOFTMAX")];
  },

  TreeEnsembleRegressor: ({ node, inputs, sql }) => {
    const features = columnsOf(inputs[0] as SqlTensor, "TreeEnsembleRegressor");
    const targets = numbers(node, "n_targets", [1])[0] as number;
    const ensemble = readEnsemble(node, "target", targets);
    const transform = text(node, "post_transform", "NONE");
    const scores = rawScores(node, sql, ensemble, features).map((score) => sql.cast(score, "FLOAT"));
    const values = postTransform(sql, transform, scores);
    if (!values) throw unsupported(`TreeEnsembleRegressor with post_transform ${transform}`);
    return [rows(values)];
  },
};
