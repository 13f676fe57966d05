import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goldenPredictions } from "../helpers/example-data.js";
import {
  addFunction,
  type ExampleSession,
  exampleSession,
  FEATURE_COLUMNS,
} from "../helpers/example-session.js";

/**
 * Every Telco customer scored through SQL against scikit-learn's own predict_proba, for both
 * model versions and both call forms. The golden file comes from scikit-learn, not from modelsql.
 */
let example: ExampleSession;
const golden = new Map(goldenPredictions().map((row) => [row.customerID, row]));

beforeAll(async () => {
  example = await exampleSession();
  await addFunction(example.workspace, { name: "main.ml.churn_v1", model: "models:/main.ml.churn/1" });
  await addFunction(example.workspace, { name: "main.ml.churn_v2", model: "models:/main.ml.churn/2" });
  await addFunction(example.workspace, {
    name: "main.ml.churn_label_v2",
    model: "models:/main.ml.churn/2",
    returns: { kind: "label" },
  });
});
afterAll(() => example?.cleanup());

function largestDifference(
  rows: Record<string, unknown>[],
  goldenColumn: "churn_logreg_probability" | "churn_gbt_probability",
): number {
  let largest = 0;
  for (const row of rows) {
    const expected = golden.get(row.customer_id as string)?.[goldenColumn];
    if (expected === undefined) throw new Error(`no golden prediction for ${String(row.customer_id)}`);
    largest = Math.max(largest, Math.abs((row.p as number) - expected));
  }
  return largest;
}

describe.each([
  ["version 1 (logistic regression)", "churn_v1", "churn_logreg_probability"],
  ["version 2 (gradient-boosted trees)", "churn_v2", "churn_gbt_probability"],
] as const)("%s", (_label, fn, goldenColumn) => {
  it("scores all 7043 customers with the STRUCT call form within 1e-5 of scikit-learn", async () => {
    const rows = await example.session.queryRows(
      `SELECT customer_id, ${fn}(features) AS p FROM customer_features`,
    );
    expect(rows).toHaveLength(7043);
    expect(largestDifference(rows, goldenColumn)).toBeLessThan(1e-5);
  });

  it("scores all 7043 customers with positional arguments within 1e-5 of scikit-learn", async () => {
    const rows = await example.session.queryRows(
      `SELECT customer_id, main.ml.${fn}(${FEATURE_COLUMNS}) AS p FROM main.sales.customers`,
    );
    expect(rows).toHaveLength(7043);
    expect(largestDifference(rows, goldenColumn)).toBeLessThan(1e-5);
  });
});

it("returns scikit-learn's labels", async () => {
  const rows = await example.session.queryRows(
    "SELECT customer_id, churn_label_v2(features) AS label FROM customer_features",
  );
  const wrong = rows.filter(
    (row) => Number(row.label) !== golden.get(row.customer_id as string)?.churn_gbt_label,
  );
  expect(rows).toHaveLength(7043);
  expect(wrong).toEqual([]);
});

it("scores the 11 customers with no TotalCharges (NULL) as the model imputes them, not as NULL rows", async () => {
  const rows = await example.session.queryRows(
    "SELECT customer_id, churn_v2(features) AS p FROM customer_features WHERE features.total_charges IS NULL",
  );
  expect(rows).toHaveLength(11);
  expect(largestDifference(rows, "churn_gbt_probability")).toBeLessThan(1e-5);
});

it("the champion function and the prediction view give version 2's probabilities", async () => {
  const seed = await example.session.queryRows(
    "SELECT customer_id, predict_churn(features) AS p FROM customer_features",
  );
  expect(largestDifference(seed, "churn_gbt_probability")).toBeLessThan(1e-5);
  const view = await example.session.queryRows(
    "SELECT customer_id, churn_probability AS p FROM main.sales.churn_scores",
  );
  expect(view).toHaveLength(7043);
  expect(largestDifference(view, "churn_gbt_probability")).toBeLessThan(1e-5);
});
