import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { compileGraph } from "../../../src/sql/compile/graph-compiler.js";
import type { AttributeValue, MlGraph, MlNode } from "../../../src/sql/compile/onnx-ml-nodes.js";
import { DUCKDB } from "../../../src/sql/dialects/duckdb-dialect.js";

/**
 * Hand-built graphs for the cases where SQL's arithmetic would part from ONNX Runtime's, with
 * expected values computed by hand from ONNX Runtime's rules.
 */
let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
});
afterAll(() => instance.closeSync());

function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, AttributeValue>,
): MlNode {
  return { opType, domain: "ai.onnx.ml", inputs, outputs, attributes: new Map(Object.entries(attributes)) };
}

function graph(nodes: MlNode[], inputs: string[], outputs: string[]): MlGraph {
  return {
    inputs,
    inputTypes: new Map(inputs.map((name) => [name, 1])),
    constants: new Map(),
    outputs,
    nodes,
  };
}

/** Each output column for one row of float inputs. */
async function evaluate(compiled: MlGraph, values: Record<string, number>): Promise<Record<string, unknown>> {
  const sql = compileGraph(compiled, (name) => `${values[name]}::DOUBLE`, DUCKDB);
  const selected = [...sql.outputs].flatMap(([name, columns]) =>
    columns.map((column, index) => `${column} AS "${name}${index}"`),
  );
  const connection = await instance.connect();
  const row = (await connection.runAndReadAll(`SELECT ${selected.join(", ")}`)).getRowObjectsJS()[0];
  connection.closeSync();
  return row as Record<string, unknown>;
}

it("sums a tree ensemble in float32: five votes of 0.1 are 0.5, not past the 0.5 cut", async () => {
  // Ten one-leaf trees, five of them voting 0.1 (float32) for the positive class. ONNX Runtime
  // adds in float32: 0.1f five times rounds to exactly 0.5, and 0.5 > 0.5 is false: class 0.
  // In double the sum is 0.5000000075, which would say class 1.
  const trees = Array.from({ length: 10 }, (_, index) => index);
  const ensemble = node("TreeEnsembleClassifier", ["x"], ["label", "probabilities"], {
    nodes_treeids: trees,
    nodes_nodeids: trees.map(() => 0),
    nodes_modes: trees.map(() => "LEAF"),
    nodes_featureids: trees.map(() => 0),
    nodes_values: trees.map(() => 0),
    nodes_truenodeids: trees.map(() => 0),
    nodes_falsenodeids: trees.map(() => 0),
    class_ids: [0, 0, 0, 0, 0],
    class_treeids: [0, 1, 2, 3, 4],
    class_nodeids: [0, 0, 0, 0, 0],
    class_weights: [0, 1, 2, 3, 4].map(() => Math.fround(0.1)),
    classlabels_int64s: [0, 1],
    post_transform: ["NONE"],
  });
  const row = await evaluate(graph([ensemble], ["x"], ["label", "probabilities"]), { x: 1 });
  expect(Number(row.label0)).toBe(0);
  expect(row.probabilities1).toBe(0.5);
});

it("labels by the raw scores: two scores whose sigmoids both round to 1 still have a larger one", async () => {
  const linear = node("LinearClassifier", ["x"], ["label", "probabilities"], {
    coefficients: [0, 0],
    intercepts: [40, 50],
    classlabels_int64s: [0, 1],
    post_transform: ["LOGISTIC"],
  });
  const row = await evaluate(graph([linear], ["x"], ["label", "probabilities"]), { x: 1 });
  expect(row.probabilities0).toBe(1);
  expect(row.probabilities1).toBe(1);
  expect(Number(row.label0)).toBe(1);
});

it("an L1 Normalizer leaves an all-zero row as it is, as ONNX Runtime does", async () => {
  const normalizer = node("Normalizer", ["xy"], ["normalized"], { norm: ["L1"] });
  const concat = { ...node("Concat", ["x", "y"], ["xy"], { axis: [1] }), domain: "" };
  const compiled = graph([concat, normalizer], ["x", "y"], ["normalized"]);
  expect(await evaluate(compiled, { x: 0, y: 0 })).toEqual({ normalized0: 0, normalized1: 0 });
  expect(await evaluate(compiled, { x: 1, y: -3 })).toEqual({ normalized0: 0.25, normalized1: -0.75 });
});

it("refuses one score for two classes in a LinearClassifier rather than guess ONNX Runtime's rule", () => {
  const linear = node("LinearClassifier", ["x"], ["label", "probabilities"], {
    coefficients: [1],
    intercepts: [0],
    classlabels_int64s: [0, 1],
  });
  expect(() => compileGraph(graph([linear], ["x"], ["label"]), () => "x", DUCKDB)).toThrow(
    /\[UNSUPPORTED_FEATURE\] LinearClassifier with one score for two classes/,
  );
});
