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
 * model versions, both call forms and both local routes (the ONNX UDF, and the model compiled
 * to SQL). The golden file comes from scikit-learn, not from modelsql.
 */
let example: ExampleSession;
const golden = new Map(goldenPredictions().map((row) => [row.customerID, row]));

beforeAll(async () => {
  example = await exampleSession();
  for (const route of ["onnx", "sql"] as const) {
    await addFunction(example.workspace, {
      name: `main.ml.churn_v1_${route}`,
      model: "models:/main.ml.churn/1",
      route,
    });
    await addFunction(example.workspace, {
      name: `main.ml.churn_v2_${route}`,
      model: "models:/main.ml.churn/2",
      route,
    });
    await addFunction(example.workspace, {
      name: `main.ml.churn_label_v2_${route}`,
      model: "models:/main.ml.churn/2",
      returns: { kind: "label" },
      route,
    });
    await addFunction(example.workspace, {
      name: `main.ml.churn_details_v1_${route}`,
      model: "models:/main.ml.churn/1",
      returns: { kind: "struct" },
      route,
    });
    await addFunction(example.workspace, {
      name: `main.ml.churn_label_v1_${route}`,
      model: "models:/main.ml.churn/1",
      returns: { kind: "label" },
      route,
    });
  }
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
  ["version 1 (logistic regression), ONNX UDF", "churn_v1_onnx", "churn_logreg_probability"],
  ["version 2 (gradient-boosted trees), ONNX UDF", "churn_v2_onnx", "churn_gbt_probability"],
  ["version 1 (logistic regression), compiled SQL", "churn_v1_sql", "churn_logreg_probability"],
  ["version 2 (gradient-boosted trees), compiled SQL", "churn_v2_sql", "churn_gbt_probability"],
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

it.each([
  ["churn_label_v1_onnx", "churn_logreg_label"],
  ["churn_label_v2_onnx", "churn_gbt_label"],
  ["churn_label_v1_sql", "churn_logreg_label"],
  ["churn_label_v2_sql", "churn_gbt_label"],
] as const)("%s returns scikit-learn's labels", async (fn, goldenColumn) => {
  const rows = await example.session.queryRows(
    `SELECT customer_id, ${fn}(features) AS label FROM customer_features`,
  );
  const wrong = rows.filter(
    (row) => Number(row.label) !== golden.get(row.customer_id as string)?.[goldenColumn],
  );
  expect(rows).toHaveLength(7043);
  expect(wrong).toEqual([]);
});

it.each(["churn_v2_onnx", "churn_v2_sql"])(
  "%s scores the 11 customers with no TotalCharges (NULL) as the model imputes them, not as NULL rows",
  async (fn) => {
    const rows = await example.session.queryRows(
      `SELECT customer_id, ${fn}(features) AS p FROM customer_features WHERE features.total_charges IS NULL`,
    );
    expect(rows).toHaveLength(11);
    expect(largestDifference(rows, "churn_gbt_probability")).toBeLessThan(1e-5);
  },
);

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

it.each(["churn_details_v1_onnx", "churn_details_v1_sql"])(
  "%s returns the STRUCT of label, probabilities, model and version, as scikit-learn scores",
  async (fn) => {
    const rows = await example.session.queryRows(
      `SELECT customer_id, d.label AS label, d.probabilities['0'] AS p0, d.probabilities['1'] AS p1, d.model AS model, d.version AS version FROM (SELECT customer_id, ${fn}(features) AS d FROM customer_features)`,
    );
    expect(rows).toHaveLength(7043);
    let largest = 0;
    for (const row of rows) {
      const expected = golden.get(row.customer_id as string);
      expect([Number(row.label), row.model, row.version]).toEqual([
        expected?.churn_logreg_label,
        "main.ml.churn",
        1,
      ]);
      const p1 = expected?.churn_logreg_probability as number;
      largest = Math.max(largest, Math.abs((row.p1 as number) - p1), Math.abs((row.p0 as number) - (1 - p1)));
    }
    expect(largest).toBeLessThan(1e-5);
  },
);

it("the _sql functions score through compiled SQL, and the _onnx ones through the UDF", async () => {
  for (const route of ["onnx", "sql"]) {
    const explained = await example.session.explain(
      `SELECT churn_v1_${route}(features), churn_v2_${route}(features), churn_details_v1_${route}(features) FROM customer_features`,
    );
    expect(explained[0]?.modelVersions.map((version) => version.route)).toEqual([route, route, route]);
  }
});
