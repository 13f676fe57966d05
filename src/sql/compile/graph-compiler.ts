import type { Dialect } from "../dialects/dialect.js";
import { ARITHMETIC_OPERATORS } from "./arithmetic-operators.js";
import type { CompileOperator } from "./compile-operator.js";
import { LINEAR_OPERATORS } from "./linear-operators.js";
import type { MlGraph } from "./onnx-ml-nodes.js";
import { PREPROCESSING_OPERATORS } from "./preprocessing-operators.js";
import { type SqlTensor, unsupported } from "./sql-tensor.js";
import { SqlWriter } from "./sql-writer.js";
import { TREE_ENSEMBLE_OPERATORS } from "./tree-ensemble-operators.js";

const OPERATORS: Readonly<Record<string, CompileOperator>> = {
  ...PREPROCESSING_OPERATORS,
  ...ARITHMETIC_OPERATORS,
  ...LINEAR_OPERATORS,
  ...TREE_ENSEMBLE_OPERATORS,
};

/**
 * Bumped whenever compiled SQL may change, so that recorded parity checks (kept per artifact and
 * compiler version) are made again rather than trusted for SQL they did not see.
 */
export const COMPILER_VERSION = 2;

/** The ONNX operators the compiler has a SQL form for (ai.onnx and ai.onnx.ml). */
export const COMPILABLE_OPERATORS: readonly string[] = Object.keys(OPERATORS).sort();

const KNOWN_DOMAINS = new Set(["", "ai.onnx", "ai.onnx.ml"]);

/** ONNX element type numbers of the graph inputs the compiler reads. */
const FLOAT = 1;

/** A compiled graph: each graph output as SQL over the input expressions, one per column. */
export interface CompiledGraph {
  readonly dialect: Dialect;
  readonly outputs: ReadonlyMap<string, readonly string[]>;
}

/**
 * Compiles an ONNX graph, of the shape skl2onnx exports for scikit-learn pipelines, to SQL
 * expressions in one dialect. `input(name)` gives the SQL for each graph input; a float input is
 * rounded to float32 as ONNX Runtime receives it, so that a value on a tree's threshold takes
 * the branch it takes there (seen: 44.1 as a double passes 44.099998 the other way). An operator
 * without a SQL form is an UNSUPPORTED_FEATURE error naming it; the caller keeps the ONNX route.
 */
export function compileGraph(
  graph: MlGraph,
  input: (name: string) => string,
  dialect: Dialect,
): CompiledGraph {
  const sql = new SqlWriter(dialect);
  const tensors = new Map<string, SqlTensor>();
  for (const [name, constant] of graph.constants) tensors.set(name, { kind: "constant", ...constant });
  for (const name of graph.inputs) {
    const expression = input(name);
    tensors.set(name, {
      kind: "rows",
      columns: [graph.inputTypes.get(name) === FLOAT ? sql.cast(expression, "FLOAT") : expression],
    });
  }
  for (const node of graph.nodes) {
    const qualified = `${node.domain ? `${node.domain}.` : ""}${node.opType}`;
    const operator = KNOWN_DOMAINS.has(node.domain) ? OPERATORS[node.opType] : undefined;
    if (!operator) throw unsupported(`The ONNX operator ${qualified} has no SQL form in modelsql yet`);
    // Optional inputs left empty (""), such as a Reshape's allowzero, are absent.
    const inputs = node.inputs.map((name) => {
      const tensor = tensors.get(name);
      if (!tensor && name !== "")
        throw unsupported(`${qualified} reads ${name}, which nothing compiled produces`);
      return tensor as SqlTensor;
    });
    const outputs = operator({ node, inputs, sql });
    node.outputs.forEach((name, index) => {
      const output = outputs[index];
      if (output && name !== "") tensors.set(name, output);
    });
  }
  const outputs = new Map<string, readonly string[]>();
  for (const name of graph.outputs) {
    const tensor = tensors.get(name);
    if (tensor?.kind === "rows") outputs.set(name, tensor.columns);
  }
  return { dialect, outputs };
}
