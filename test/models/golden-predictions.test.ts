import path from "node:path";
import { describe, expect, it } from "vitest";
import { columnTensor } from "../../src/models/column-tensor.js";
import { OnnxModel } from "../../src/models/onnx-model.js";
import {
  GRADIENT_BOOSTED_TREES_DIRECTORY,
  goldenPredictions,
  LOGISTIC_REGRESSION_DIRECTORY,
  rawColumn,
  telcoCustomers,
  ZIPMAP_MODEL_FILE,
} from "../helpers/example-data.js";

const customers = telcoCustomers();
const golden = goldenPredictions();

function scoreAllCustomers(model: OnnxModel, probabilityOutput: string, labelOutput: string) {
  const feeds = Object.fromEntries(
    model.modelInterface.inputs.map((input) => [
      input.name,
      columnTensor(input, rawColumn(customers, input.name, input.elementType)),
    ]),
  );
  const outputs = model.run(feeds);
  const probabilities = outputs[probabilityOutput];
  const labels = outputs[labelOutput];
  if (!probabilities || !labels) throw new Error("missing outputs");
  expect(probabilities.dims).toEqual([customers.length, 2]);
  const data = probabilities.data as Float32Array;
  return {
    churnProbability: Array.from({ length: customers.length }, (_, row) => data[row * 2 + 1] as number),
    labels: Array.from(labels.data as BigInt64Array, Number),
  };
}

describe("example churn models reproduce scikit-learn's predictions", () => {
  it("has the 7043 customers in the same order as the golden file", () => {
    expect(customers).toHaveLength(7043);
    expect(golden.map((row) => row.customerID)).toEqual(customers.map((row) => row.customerID));
    expect(customers.filter((row) => row.TotalCharges?.trim() === "")).toHaveLength(11);
  });

  for (const [name, directory, key] of [
    ["logistic regression", LOGISTIC_REGRESSION_DIRECTORY, "churn_logreg"],
    ["gradient-boosted trees", GRADIENT_BOOSTED_TREES_DIRECTORY, "churn_gbt"],
  ] as const) {
    it(`${name}: every customer's churn probability within 1e-5, and the same labels`, () => {
      const model = OnnxModel.load(path.join(directory, "model.onnx"));
      const { churnProbability, labels } = scoreAllCustomers(model, "probabilities", "label");
      model.dispose();
      const worst = Math.max(
        ...churnProbability.map((probability, row) =>
          Math.abs(probability - (golden[row]?.[`${key}_probability`] as number)),
        ),
      );
      expect(worst).toBeLessThan(1e-5);
      expect(labels).toEqual(golden.map((row) => row[`${key}_label`]));
    });
  }

  it("the ZipMap variant of the logistic regression gives the same probabilities as a tensor", () => {
    const model = OnnxModel.load(ZIPMAP_MODEL_FILE);
    expect(model.modelInterface.outputs).toContainEqual({
      name: "output_probability",
      elementType: "float32",
      shape: [null, 2],
      rewrittenFromZipMap: true,
    });
    const { churnProbability } = scoreAllCustomers(model, "output_probability", "output_label");
    model.dispose();
    const worst = Math.max(
      ...churnProbability.map((probability, row) =>
        Math.abs(probability - (golden[row]?.churn_logreg_probability as number)),
      ),
    );
    expect(worst).toBeLessThan(1e-5);
  });
});
