import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classLabelsOf, readOnnxGraph } from "../../src/models/onnx-graph.js";
import { rewriteZipMapOutputs } from "../../src/models/zipmap-rewrite.js";
import { GRADIENT_BOOSTED_TREES_DIRECTORY, ZIPMAP_MODEL_FILE } from "../helpers/example-data.js";

describe("reading and rewriting ONNX graphs at the wire level", () => {
  it("finds the classifier and its class labels", () => {
    const graph = readOnnxGraph(readFileSync(path.join(GRADIENT_BOOSTED_TREES_DIRECTORY, "model.onnx")));
    expect(graph.nodes.map((node) => node.opType)).toContain("TreeEnsembleClassifier");
    expect(graph.outputNames).toEqual(["label", "probabilities"]);
    expect(classLabelsOf(graph)).toEqual([0, 1]);
    expect(graph.externalDataFiles).toEqual([]);
  });

  it("leaves a model without ZipMap byte for byte as it is", () => {
    const bytes = readFileSync(path.join(GRADIENT_BOOSTED_TREES_DIRECTORY, "model.onnx"));
    const rewrite = rewriteZipMapOutputs(bytes, readOnnxGraph(bytes));
    expect(rewrite.replacements).toEqual([]);
    expect(rewrite.modelBytes).toBe(bytes);
  });

  it("replaces ZipMap by Identity, keeps the output name, and changes nothing else in the graph", () => {
    const bytes = readFileSync(ZIPMAP_MODEL_FILE);
    const before = readOnnxGraph(bytes);
    const rewrite = rewriteZipMapOutputs(bytes, before);
    expect(rewrite.replacements).toEqual([{ output: "output_probability", classLabels: [0, 1] }]);
    const after = readOnnxGraph(rewrite.modelBytes);
    expect(after.outputNames).toEqual(before.outputNames);
    const summary = (graph: typeof before) =>
      graph.nodes.map((node) => [node.name, node.opType, node.inputs, node.outputs]);
    const expected = summary(before).map(([name, opType, inputs, outputs]) =>
      opType === "ZipMap" ? [name, "Identity", inputs, outputs] : [name, opType, inputs, outputs],
    );
    expect(summary(after)).toEqual(expected);
    // Everything outside the graph (IR version, opsets, producer, metadata) is copied as it was.
    const outside = (graph: typeof before, model: Uint8Array) =>
      graph.modelFields
        .filter((field) => field !== graph.graphField)
        .map((field) => Buffer.from(model.subarray(field.start, field.end)).toString("hex"));
    expect(outside(after, rewrite.modelBytes)).toEqual(outside(before, bytes));
  });

  it("refuses bytes that are not protobuf", () => {
    expect(() => readOnnxGraph(new TextEncoder().encode("customer_id,churn\n1,0\n"))).toThrow();
  });
});

describe("ZipMap rewrite and opset imports", () => {
  it("adds no second default-domain import to a model that has one", () => {
    const bytes = readFileSync(ZIPMAP_MODEL_FILE);
    const graph = readOnnxGraph(bytes);
    expect(graph.defaultDomainImported).toBe(true);
    const rewrite = rewriteZipMapOutputs(bytes, graph);
    const imports = (summary: typeof graph) =>
      summary.modelFields.filter((field) => field.field === 8).length;
    expect(imports(readOnnxGraph(rewrite.modelBytes))).toBe(imports(graph));
  });
});
