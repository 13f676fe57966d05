import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { encodeCategories, rewriteCategoricalInputs } from "../../src/models/category-codes-rewrite.js";
import { type ColumnValues, columnTensor } from "../../src/models/column-tensor.js";
import { readOnnxGraph } from "../../src/models/onnx-graph.js";
import { OnnxModel } from "../../src/models/onnx-model.js";
import {
  GRADIENT_BOOSTED_TREES_DIRECTORY,
  LOGISTIC_REGRESSION_DIRECTORY,
  REPOSITORY_ROOT,
  rawColumn,
  telcoCustomers,
} from "../helpers/example-data.js";
import { COMPILED_TEST_MODELS, UNCOMPILABLE_MODEL } from "../sql/compile/test-models.js";

/**
 * The category-codes rewrite must not change a single output: every model is run twice, as
 * published (string tensors, ONNX Runtime's own OneHotEncoder on text) and as modelsql loads it,
 * on the same rows, and the outputs must be equal bit for bit.
 */

const FIXTURES = path.join(REPOSITORY_ROOT, "test/fixtures/models");
const customers = telcoCustomers();

/** Values no encoder lists, and case and blank variants, appended to every text column. */
const UNSEEN_TEXT = ["", "Unknown", "female", " Yes", "No internet service ", null] as const;

function telcoFeeds(model: OnnxModel): Record<string, Tensor> {
  return Object.fromEntries(
    model.modelInterface.inputs.map((input) => {
      const values: (string | number | null)[] = rawColumn(customers, input.name, input.elementType);
      const extra = input.elementType === "string" ? UNSEEN_TEXT : UNSEEN_TEXT.map(() => 1);
      return [input.name, columnTensor(input, [...values, ...extra] as ColumnValues)];
    }),
  );
}

function outputsAsPublishedAndRewritten(file: string, feedsOf: (model: OnnxModel) => Record<string, Tensor>) {
  const published = OnnxModel.load(file, { categoryCodes: false });
  const rewritten = OnnxModel.load(file);
  try {
    return {
      published: published.run(feedsOf(published)),
      rewritten: rewritten.run(feedsOf(rewritten)),
      rewrittenModel: rewritten,
    };
  } finally {
    published.dispose();
    rewritten.dispose();
  }
}

function expectSameOutputs(published: Record<string, Tensor>, rewritten: Record<string, Tensor>): void {
  expect(Object.keys(rewritten).sort()).toEqual(Object.keys(published).sort());
  for (const [name, tensor] of Object.entries(published)) {
    expect(rewritten[name]?.dims, name).toEqual(tensor.dims);
    expect(rewritten[name]?.data, name).toEqual(tensor.data);
  }
}

describe("text inputs loaded as category codes", () => {
  for (const [name, directory] of [
    ["logistic regression", LOGISTIC_REGRESSION_DIRECTORY],
    ["gradient-boosted trees", GRADIENT_BOOSTED_TREES_DIRECTORY],
  ] as const) {
    it(`${name}: all 15 text inputs become codes, the numbers stay, and every output is unchanged`, () => {
      const file = path.join(directory, "model.onnx");
      const { published, rewritten, rewrittenModel } = outputsAsPublishedAndRewritten(file, telcoFeeds);
      const inputs = rewrittenModel.modelInterface.inputs;
      const coded = inputs.filter((input) => rewrittenModel.categoryCodesOf(input.name));
      expect(coded).toHaveLength(15);
      expect(coded.every((input) => input.elementType === "string")).toBe(true);
      expect(rewrittenModel.categoryCodesOf("tenure")).toBeUndefined();
      // The codes are positions in the encoder's category list, as skl2onnx wrote it (sorted).
      expect([...(rewrittenModel.categoryCodesOf("Contract") ?? [])]).toEqual([
        ["Month-to-month", 0],
        ["One year", 1],
        ["Two year", 2],
      ]);
      expect(published.probabilities?.dims).toEqual([customers.length + UNSEEN_TEXT.length, 2]);
      expectSameOutputs(published, rewritten);
    });
  }

  it("every skl2onnx pipeline fixture gives the same outputs as published, every text input as codes", () => {
    const files = [...COMPILED_TEST_MODELS.map(([, file]) => file), UNCOMPILABLE_MODEL];
    let withText = 0;
    for (const file of files) {
      const { published, rewritten, rewrittenModel } = outputsAsPublishedAndRewritten(file, telcoFeeds);
      const textInputs = rewrittenModel.modelInterface.inputs.filter(
        (input) => input.elementType === "string",
      );
      if (textInputs.length > 0) withText += 1;
      expect(
        textInputs.filter((input) => !rewrittenModel.categoryCodesOf(input.name)).map((input) => input.name),
        file,
      ).toEqual([]);
      expectSameOutputs(published, rewritten);
    }
    // All but the one fixture built on numbers alone (churn_logreg_double).
    expect(withText).toBe(files.length - 1);
  });

  const colors = (values: readonly (string | null)[]) => (_model?: OnnxModel) => ({
    color: columnTensor({ name: "color", elementType: "string", shape: ["N"] }, values),
  });
  const sample = ["red", "blue", "green", "purple", "", null, "RED"];

  it("one input reaching two encoders gets one code per distinct category, and value_info is dropped", () => {
    const file = path.join(FIXTURES, "category_shared_input.onnx");
    const { published, rewritten, rewrittenModel } = outputsAsPublishedAndRewritten(file, colors(sample));
    expect([...(rewrittenModel.categoryCodesOf("color") ?? [])]).toEqual([
      ["red", 0],
      ["green", 1],
      ["blue", 2],
      ["", 3],
    ]);
    // Hand-computed: [red, green] then [green, blue, ""]; NULL is read as "".
    expect(Array.from(published.one_hot?.data as Float32Array)).toEqual(
      [
        [1, 0, 0, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 1, 1, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0],
      ].flat(),
    );
    expectSameOutputs(published, rewritten);
  });

  it("an encoder that fails on unknown values (zeros = 0) keeps its text input, and still fails", () => {
    const model = OnnxModel.load(path.join(FIXTURES, "category_zeros0.onnx"));
    expect(model.categoryCodesOf("color")).toBeUndefined();
    expect(() => model.run(colors(["red", "purple"])(model))).toThrow(/Unknown Category/);
    expect(Array.from(model.run(colors(["green", "red"])(model)).one_hot?.data as Float32Array)).toEqual([
      0, 1, 1, 0,
    ]);
    model.dispose();
  });

  it("a text input also used by another operator keeps its text", () => {
    const file = path.join(FIXTURES, "category_mixed_use.onnx");
    const { published, rewritten, rewrittenModel } = outputsAsPublishedAndRewritten(file, colors(sample));
    expect(rewrittenModel.categoryCodesOf("color")).toBeUndefined();
    expect(Array.from(rewritten.color_id?.data as BigInt64Array)).toEqual([0n, -1n, 1n, -1n, -1n, -1n, -1n]);
    expectSameOutputs(published, rewritten);
  });

  it("a model with external data and a ZipMap loads from memory, finding its weights beside the file", () => {
    const directory = path.join(FIXTURES, "category_external");
    const before = readdirSync(directory).sort();
    const file = path.join(directory, "model.onnx");
    const { published, rewritten, rewrittenModel } = outputsAsPublishedAndRewritten(file, colors(sample));
    expect(rewrittenModel.categoryCodesOf("color")).toBeDefined();
    expect(rewrittenModel.modelInterface.outputs).toContainEqual({
      name: "probabilities",
      elementType: "float32",
      shape: ["N", 2],
      rewrittenFromZipMap: true,
    });
    // Hand-computed: weight rows [1.5, 0] (red), [-2, 1] (green), [0.25, 0.5] (blue); anything
    // else scores [0, 0]; probabilities are their softmax.
    const scores = [
      [1.5, 0],
      [0.25, 0.5],
      [-2, 1],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    expect(Array.from(rewritten.score?.data as Float32Array)).toEqual(scores.flat());
    const softmax = scores.flatMap(([a, b]) =>
      [a as number, b as number].map((x) => Math.exp(x) / (Math.exp(a as number) + Math.exp(b as number))),
    );
    Array.from(rewritten.probabilities?.data as Float32Array).forEach((value, index) => {
      expect(value).toBeCloseTo(softmax[index] as number, 6);
    });
    expectSameOutputs(published, rewritten);
    expect(readdirSync(directory).sort()).toEqual(before);
  });

  it("follows Unsqueeze, Flatten, Squeeze and Reshape, and keeps a category's byte-order mark", () => {
    const file = path.join(FIXTURES, "category_squeeze_chain.onnx");
    const values = ["red", "\uFEFFgreen", "green", "purple", "", null];
    const { published, rewritten, rewrittenModel } = outputsAsPublishedAndRewritten(file, colors(values));
    expect([...(rewrittenModel.categoryCodesOf("color") ?? [])]).toEqual([
      ["red", 0],
      ["\uFEFFgreen", 1],
      ["green", 2],
    ]);
    expect(Array.from(rewritten.one_hot?.data as Float32Array)).toEqual([
      1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expectSameOutputs(published, rewritten);
  });

  for (const [fixture, what, firstRows] of [
    // Node's binding takes no feed for an input with a default: the default ("green") is scored.
    ["category_unusual_default", "an input with a default value (an initializer of its name)", [0, 1]],
    ["category_unusual_input_out", "an input that is also a graph output", [1, 0, 0, 0, 0, 1]],
    [
      "category_unusual_passed_out",
      "a value on the way to the encoder that is a graph output",
      [1, 0, 0, 0, 0, 1],
    ],
    ["category_unusual_subgraph", "a model with a subgraph", [1, 0, 0, 0, 0, 1]],
  ] as const) {
    it(`leaves the text of ${what} as published`, () => {
      const file = path.join(FIXTURES, `${fixture}.onnx`);
      const { published, rewritten, rewrittenModel } = outputsAsPublishedAndRewritten(file, colors(sample));
      expect(rewrittenModel.categoryCodesOf("color")).toBeUndefined();
      // Left alone by the rewrite itself, not only by ONNX Runtime refusing its result.
      const bytes = readFileSync(file);
      expect(rewriteCategoricalInputs(bytes, readOnnxGraph(bytes)).modelBytes).toBe(bytes);
      expect(Array.from(rewritten.one_hot?.data as Float32Array).slice(0, 6)).toEqual(firstRows);
      expectSameOutputs(published, rewritten);
    });
  }

  it("does not make loadable an encoder ONNX Runtime refuses as published (both category lists)", () => {
    const file = path.join(FIXTURES, "category_unusual_both_lists.onnx");
    expect(() => OnnxModel.load(file, { categoryCodes: false })).toThrow(/cats_/);
    expect(() => OnnxModel.load(file)).toThrow(/cats_/);
    const bytes = readFileSync(file);
    expect(rewriteCategoricalInputs(bytes, readOnnxGraph(bytes)).codedInputs.size).toBe(0);
  });

  it("takes codes only where the caller says it reads text as codes", () => {
    const model = OnnxModel.load(path.join(FIXTURES, "category_shared_input.onnx"));
    const codes = model.categoryCodesOf("color") ?? new Map();
    const asText = model.run(colors(["blue", "red"])(model));
    const codeFeeds = { color: new Tensor("int64", encodeCategories(["blue", "red"], codes), [2]) };
    expect(model.runWithCategoryCodes(codeFeeds, ["one_hot"]).one_hot?.data).toEqual(asText.one_hot?.data);
    // As published, the input takes text: numbers are refused, as ONNX Runtime refuses them.
    expect(() => model.run(codeFeeds)).toThrow(/expected: \(tensor\(string\)\) for input 'color'/);
    model.dispose();
  });

  it("encodes unknown values as -1 and NULL as the code of the empty string", () => {
    const codes = new Map([
      ["a", 0],
      ["b", 7],
    ]);
    expect(Array.from(encodeCategories(["b", "zzz", "a", null], codes))).toEqual([7n, -1n, 0n, -1n]);
    expect(Array.from(encodeCategories([null, "x"], new Map([["", 3]])))).toEqual([3n, -1n]);
  });
});
