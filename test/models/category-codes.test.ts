import { readdirSync } from "node:fs";
import path from "node:path";
import { Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { encodeCategories } from "../../src/models/category-codes-rewrite.js";
import { type ColumnValues, columnTensor } from "../../src/models/column-tensor.js";
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
      // The codes are positions in the encoder's own category list (read independently here).
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

  const colors = (values: readonly (string | null)[]) => (model: OnnxModel) => {
    const input = model.modelInterface.inputs[0];
    if (!input) throw new Error("no input");
    return { color: columnTensor(input, values) };
  };
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

  it("a rewritten model with external data loads from memory, finding its weights beside the file", () => {
    const directory = path.join(FIXTURES, "category_external");
    const before = readdirSync(directory).sort();
    const file = path.join(directory, "model.onnx");
    const { published, rewritten, rewrittenModel } = outputsAsPublishedAndRewritten(file, colors(sample));
    expect(rewrittenModel.categoryCodesOf("color")).toBeDefined();
    // Hand-computed: weights 1.5 (red), -2 (green), 0.25 (blue); anything else scores 0.
    expect(Array.from(rewritten.score?.data as Float32Array)).toEqual([1.5, 0.25, -2, 0, 0, 0, 0]);
    expectSameOutputs(published, rewritten);
    expect(readdirSync(directory).sort()).toEqual(before);
  });

  it("a coded input also takes its codes as an int64 tensor", () => {
    const model = OnnxModel.load(path.join(FIXTURES, "category_shared_input.onnx"));
    const codes = model.categoryCodesOf("color") ?? new Map();
    const asText = model.run(colors(["blue", "red"])(model));
    const asCodes = model.run({ color: new Tensor("int64", encodeCategories(["blue", "red"], codes), [2]) });
    expect(asCodes.one_hot?.data).toEqual(asText.one_hot?.data);
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
