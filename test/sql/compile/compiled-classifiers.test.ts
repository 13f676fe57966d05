import { readFileSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMlGraph } from "../../../src/sql/compile/onnx-ml-nodes.js";
import { compileClassifier } from "../../../src/sql/compile/onnx-to-sql.js";
import { EXAMPLE_MODELS, goldenPredictions, REPOSITORY_ROOT } from "../../helpers/example-data.js";

/**
 * The example churn models compiled to SQL and run by DuckDB on all 7043 customers, against
 * scikit-learn's own predictions (golden_predictions.csv): probabilities within 1e-5, labels
 * equal.
 */
const CSV = path.join(REPOSITORY_ROOT, "examples/data/telco_churn.csv");
const INTEGER_INPUTS = new Set(["SeniorCitizen", "tenure"]);
const DOUBLE_INPUTS = new Set(["MonthlyCharges", "TotalCharges"]);

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
});
afterAll(() => instance.closeSync());

/** The model's inputs as the raw CSV gives them: numbers parsed, a blank TotalCharges missing. */
function inputColumn(name: string): string {
  const quoted = `"${name}"`;
  if (INTEGER_INPUTS.has(name)) return `CAST(${quoted} AS BIGINT)`;
  if (DOUBLE_INPUTS.has(name)) return `TRY_CAST(NULLIF(trim(${quoted}), '') AS DOUBLE)`;
  return quoted;
}

describe.each([
  ["churn_logreg", "LinearClassifier", "churn_logreg_probability", "churn_logreg_label"],
  ["churn_gbt", "TreeEnsembleClassifier", "churn_gbt_probability", "churn_gbt_label"],
] as const)("%s (%s) compiled to SQL", (model, _operator, probabilityColumn, labelColumn) => {
  it("scores every customer as scikit-learn does", async () => {
    const graph = readMlGraph(readFileSync(path.join(EXAMPLE_MODELS, model, "model.onnx")));
    const compiled = compileClassifier(graph, inputColumn);
    expect(compiled.classLabels).toEqual([0, 1]);
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      `SELECT customerID, ${compiled.probabilities[1]} AS p, ${compiled.label} AS label FROM read_csv('${CSV}', all_varchar = true)`,
    );
    const rows = reader.getRowObjectsJS() as { customerID: string; p: number; label: bigint | number }[];
    connection.closeSync();
    const golden = new Map(goldenPredictions().map((row) => [row.customerID, row]));
    expect(rows).toHaveLength(7043);
    let largest = 0;
    for (const row of rows) {
      const expected = golden.get(row.customerID) as unknown as Record<string, number>;
      largest = Math.max(largest, Math.abs(row.p - (expected[probabilityColumn] as number)));
      expect(Number(row.label)).toBe(expected[labelColumn]);
    }
    expect(largest).toBeLessThan(1e-5);
  });
});

it("names the operator it cannot compile", () => {
  const graph = readMlGraph(readFileSync(path.join(EXAMPLE_MODELS, "churn_logreg", "model.onnx")));
  const altered = {
    ...graph,
    nodes: graph.nodes.map((node) => (node.opType === "Scaler" ? { ...node, opType: "Normalizer" } : node)),
  };
  expect(() => compileClassifier(altered, inputColumn)).toThrow(
    /\[UNSUPPORTED_FEATURE\] The ONNX operator ai\.onnx\.ml\.Normalizer has no SQL form/,
  );
});
