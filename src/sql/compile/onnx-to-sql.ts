import { ModelSqlError } from "../../errors.js";
import type { AttributeValue, MlGraph, MlNode } from "./onnx-ml-nodes.js";

/**
 * A classifier compiled to SQL expressions (DuckDB's dialect) over its input columns: one
 * expression per class probability, in the model's class order, and one for the label.
 */
export interface CompiledClassifier {
  readonly classLabels: readonly (string | number)[];
  readonly probabilities: readonly string[];
  readonly label: string;
}

/** A tensor as SQL: one expression per column of a row. */
type Columns = readonly string[];

/** A number as SQL, exactly: float32 attributes print as the double they are. */
function literal(value: number): string {
  if (Number.isNaN(value)) return "'NaN'::DOUBLE";
  if (!Number.isFinite(value)) return value > 0 ? "'Infinity'::DOUBLE" : "'-Infinity'::DOUBLE";
  // Exponent form: DuckDB reads 0.1234 as a DECIMAL, whose products overflow its scale, and
  // 1.234e-1 as a DOUBLE (as Spark does). toExponential() gives the shortest exact digits.
  return value.toExponential();
}

function stringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function unsupported(detail: string): ModelSqlError {
  return new ModelSqlError("UNSUPPORTED_FEATURE", detail, {
    hint: "The model scores through its ONNX Runtime UDF instead.",
  });
}

function numbers(node: MlNode, name: string, fallback?: readonly number[]): readonly number[] {
  const value = node.attributes.get(name) as AttributeValue | undefined;
  if (value === undefined) {
    if (fallback) return fallback;
    throw unsupported(`${node.opType} without its ${name} attribute`);
  }
  return value as readonly number[];
}

function strings(node: MlNode, name: string): readonly string[] | undefined {
  return node.attributes.get(name) as readonly string[] | undefined;
}

/** The value of a per-column attribute list that may hold one value for every column. */
const perColumn = (values: readonly number[], index: number) =>
  (values.length === 1 ? values[0] : values[index]) as number;

const sigmoid = (score: string) => `(1.0 / (1.0 + exp(-(${score}))))`;

function postTransform(node: MlNode, scores: Columns): Columns {
  const transform = strings(node, "post_transform")?.[0] ?? "NONE";
  switch (transform) {
    case "NONE":
      return scores;
    case "LOGISTIC":
      return scores.map(sigmoid);
    case "SOFTMAX": {
      // Shifted by the largest score, as ONNX Runtime computes it, for the same rounding.
      const largest = `greatest(${scores.join(", ")})`;
      const exps = scores.map((score) => `exp((${score}) - ${largest})`);
      return exps.map((value) => `(${value} / (${exps.join(" + ")}))`);
    }
    default:
      throw unsupported(`${node.opType} with post_transform ${transform}`);
  }
}

/** The label: the class with the largest probability (the first on a tie, as ONNX Runtime). */
function argmaxLabel(probabilities: Columns, labels: readonly (string | number)[]): string {
  const quoted = labels.map((label) => (typeof label === "string" ? stringLiteral(label) : String(label)));
  if (probabilities.length === 2) {
    return `CASE WHEN ${probabilities[1]} > ${probabilities[0]} THEN ${quoted[1]} ELSE ${quoted[0]} END`;
  }
  const best = `greatest(${probabilities.join(", ")})`;
  return `CASE ${probabilities.map((p, index) => `WHEN ${p} = ${best} THEN ${quoted[index]}`).join(" ")} END`;
}

function classLabels(node: MlNode): (string | number)[] {
  const texts = strings(node, "classlabels_strings");
  if (texts) return [...texts];
  return [
    ...(numbers(node, "classlabels_ints", []) as number[]),
    ...(numbers(node, "classlabels_int64s", []) as number[]),
  ];
}

function linearClassifier(node: MlNode, features: Columns): CompiledClassifier {
  const labels = classLabels(node);
  const coefficients = numbers(node, "coefficients");
  const intercepts = numbers(node, "intercepts", []);
  const rows = coefficients.length / features.length;
  if (!Number.isInteger(rows))
    throw unsupported("LinearClassifier whose coefficients do not match its inputs");
  const scores = Array.from({ length: rows }, (_, row) => {
    const terms = features.map(
      (feature, column) => `${literal(coefficients[row * features.length + column] as number)} * ${feature}`,
    );
    return `(${[literal(intercepts[row] ?? 0), ...terms].join(" + ")})`;
  });
  let probabilities = postTransform(node, scores);
  // One score for two classes: ONNX Runtime gives the second class the score, the first 1 - p.
  if (rows === 1 && labels.length === 2)
    probabilities = [`(1.0 - ${probabilities[0]})`, probabilities[0] as string];
  return { classLabels: labels, probabilities, label: argmaxLabel(probabilities, labels) };
}

interface TreeNode {
  readonly mode: string;
  readonly feature: number;
  readonly value: number;
  readonly trueId: number;
  readonly falseId: number;
  readonly missingTracksTrue: boolean;
}

const COMPARISONS: Record<string, string> = {
  BRANCH_LEQ: "<=",
  BRANCH_LT: "<",
  BRANCH_GTE: ">=",
  BRANCH_GT: ">",
  BRANCH_EQ: "=",
  BRANCH_NEQ: "<>",
};

/**
 * A tree ensemble: each tree a nested CASE over its branch conditions, the leaves' weights per
 * class summed over trees, then the post transform. Thresholds are float32 in ONNX and the
 * inputs are float32 where the graph casts them, so each comparison is between two float32
 * values, written exactly as doubles: the branch taken is the one ONNX Runtime takes.
 */
function treeEnsembleClassifier(node: MlNode, features: Columns): CompiledClassifier {
  const labels = classLabels(node);
  const treeIds = numbers(node, "nodes_treeids");
  const nodeIds = numbers(node, "nodes_nodeids");
  const modes = strings(node, "nodes_modes") ?? [];
  const featureIds = numbers(node, "nodes_featureids");
  const values = numbers(node, "nodes_values");
  const trueIds = numbers(node, "nodes_truenodeids");
  const falseIds = numbers(node, "nodes_falsenodeids");
  const missing = numbers(node, "nodes_missing_value_tracks_true", []);
  const aggregate = strings(node, "aggregate_function")?.[0] ?? "SUM";
  if (aggregate !== "SUM") throw unsupported(`TreeEnsembleClassifier with aggregate_function ${aggregate}`);
  const trees = new Map<number, Map<number, TreeNode>>();
  treeIds.forEach((tree, index) => {
    const nodes = trees.get(tree) ?? new Map<number, TreeNode>();
    trees.set(tree, nodes);
    nodes.set(nodeIds[index] as number, {
      mode: modes[index] as string,
      feature: featureIds[index] as number,
      value: values[index] as number,
      trueId: trueIds[index] as number,
      falseId: falseIds[index] as number,
      missingTracksTrue: missing[index] === 1,
    });
  });
  const classIds = numbers(node, "class_ids");
  const weightTrees = numbers(node, "class_treeids");
  const weightNodes = numbers(node, "class_nodeids");
  const weights = numbers(node, "class_weights");
  const columns = Math.max(...classIds) + 1;
  const leafWeights = new Map<string, number[]>();
  classIds.forEach((classId, index) => {
    const key = `${weightTrees[index]}/${weightNodes[index]}`;
    const entry = leafWeights.get(key) ?? new Array<number>(columns).fill(0);
    entry[classId] = (entry[classId] ?? 0) + (weights[index] as number);
    leafWeights.set(key, entry);
  });
  const expression = (tree: number, nodes: Map<number, TreeNode>, id: number, column: number): string => {
    const current = nodes.get(id);
    if (!current) throw unsupported(`TreeEnsembleClassifier tree ${tree} without node ${id}`);
    if (current.mode === "LEAF") return literal(leafWeights.get(`${tree}/${id}`)?.[column] ?? 0);
    const comparison = COMPARISONS[current.mode];
    const feature = features[current.feature];
    if (!comparison || feature === undefined)
      throw unsupported(`TreeEnsembleClassifier node mode ${current.mode}`);
    const test = `${feature} ${comparison} ${literal(current.value)}`;
    // A NULL (missing) input takes the branch nodes_missing_value_tracks_true says.
    const condition = current.missingTracksTrue ? `(${feature} IS NULL OR ${test})` : test;
    return `CASE WHEN ${condition} THEN ${expression(tree, nodes, current.trueId, column)} ELSE ${expression(tree, nodes, current.falseId, column)} END`;
  };
  const base = numbers(node, "base_values", []);
  const scores = Array.from({ length: columns }, (_, column) => {
    const sums = [...trees].map(([tree, nodes]) => expression(tree, nodes, 0, column));
    return `(${[literal(base[column] ?? 0), ...sums].join(" + ")})`;
  });
  let probabilities = postTransform(node, scores);
  if (columns === 1 && labels.length === 2)
    probabilities = [`(1.0 - ${probabilities[0]})`, probabilities[0] as string];
  return { classLabels: labels, probabilities, label: argmaxLabel(probabilities, labels) };
}

const CAST_TYPES: Record<number, string> = {
  1: "FLOAT",
  11: "DOUBLE",
  6: "INTEGER",
  7: "BIGINT",
  8: "VARCHAR",
  9: "BOOLEAN",
};

/**
 * Compiles an ONNX classifier graph of the shape scikit-learn pipelines export through skl2onnx
 * (per-column inputs, one-hot encoding, imputation, scaling, casts, concatenation, then a linear
 * or tree-ensemble classifier) to SQL. `input` gives the SQL for each graph input. An operator
 * the compiler does not know is an UNSUPPORTED_FEATURE error naming it.
 */
export function compileClassifier(graph: MlGraph, input: (name: string) => string): CompiledClassifier {
  // A float input reaches ONNX Runtime as float32: rounded so, a value on a tree's threshold
  // takes the branch it takes there (seen: 44.1 as a double passes 44.099998 the other way).
  const tensors = new Map<string, Columns>(
    graph.inputs.map((name) => [
      name,
      [graph.inputTypes.get(name) === 1 ? `CAST(${input(name)} AS FLOAT)` : input(name)],
    ]),
  );
  const of = (name: string): Columns => {
    const columns = tensors.get(name);
    if (!columns) throw unsupported(`the tensor ${name}, which no node the compiler knows produces`);
    return columns;
  };
  let result: CompiledClassifier | undefined;
  for (const node of graph.nodes) {
    // Only the data inputs: a Reshape's second input is its shape, an initializer.
    const first = node.opType === "Concat" ? [] : of(node.inputs[0] as string);
    const set = (columns: Columns) => tensors.set(node.outputs[0] as string, columns);
    switch (node.opType) {
      case "Reshape":
      case "Identity":
      case "Flatten":
        set(first);
        break;
      case "Concat":
        set(node.inputs.flatMap(of));
        break;
      case "Cast": {
        const type = CAST_TYPES[numbers(node, "to")[0] as number];
        if (!type) throw unsupported(`Cast to ONNX type ${numbers(node, "to")[0]}`);
        // ONNX casts a float to an integer by truncating.
        set(
          first.map((column) =>
            type === "BIGINT" || type === "INTEGER"
              ? `CAST(trunc(${column}) AS ${type})`
              : `CAST(${column} AS ${type})`,
          ),
        );
        break;
      }
      case "OneHotEncoder": {
        const categories =
          strings(node, "cats_strings")?.map(stringLiteral) ?? numbers(node, "cats_int64s").map(String);
        set(
          first.flatMap((column) =>
            categories.map((category) => `CASE WHEN ${column} = ${category} THEN 1.0 ELSE 0.0 END`),
          ),
        );
        break;
      }
      case "Imputer": {
        const imputed = numbers(node, "imputed_value_floats");
        const replaced = numbers(node, "replaced_value_float", [Number.NaN])[0] as number;
        set(
          first.map((column, index) => {
            const missing = Number.isNaN(replaced)
              ? `${column} IS NULL OR isnan(${column})`
              : `${column} = ${literal(replaced)}`;
            return `CASE WHEN ${missing} THEN ${literal(perColumn(imputed, index))} ELSE ${column} END`;
          }),
        );
        break;
      }
      case "Scaler": {
        const offset = numbers(node, "offset", [0]);
        const scale = numbers(node, "scale", [1]);
        set(
          first.map(
            (column, index) =>
              `((${column} - ${literal(perColumn(offset, index))}) * ${literal(perColumn(scale, index))})`,
          ),
        );
        break;
      }
      case "LinearClassifier":
        result = linearClassifier(node, first);
        tensors.set(node.outputs[0] as string, [result.label]);
        tensors.set(node.outputs[1] as string, result.probabilities);
        break;
      case "TreeEnsembleClassifier":
        result = treeEnsembleClassifier(node, first);
        tensors.set(node.outputs[0] as string, [result.label]);
        tensors.set(node.outputs[1] as string, result.probabilities);
        break;
      default:
        throw unsupported(
          `The ONNX operator ${node.domain ? `${node.domain}.` : ""}${node.opType} has no SQL form in modelsql yet`,
        );
    }
  }
  if (!result) throw unsupported("A graph without a classifier node");
  const probabilities = graph.outputs[1] ? of(graph.outputs[1]) : result.probabilities;
  return { ...result, probabilities };
}
