import { afterAll, beforeAll, expect, it } from "vitest";
import { goldenPredictions } from "../helpers/example-data.js";
import { type ExampleSession, exampleSession } from "../helpers/example-session.js";

/** Prediction calls wherever an expression may stand, checked against scikit-learn's numbers. */
let example: ExampleSession;
const golden = goldenPredictions();
const gbt = new Map(golden.map((row) => [row.customerID, row.churn_gbt_probability]));
const sortedByRisk = [...golden].sort((a, b) => b.churn_gbt_probability - a.churn_gbt_probability);

beforeAll(async () => {
  example = await exampleSession();
});
afterAll(() => example?.cleanup());

it("in a CTE and an ORDER BY", async () => {
  const rows = await example.session.queryRows(
    "WITH scored AS (SELECT customer_id, predict_churn(features) AS p FROM customer_features) SELECT customer_id FROM scored ORDER BY p DESC LIMIT 5",
  );
  expect(rows.map((row) => row.customer_id)).toEqual(sortedByRisk.slice(0, 5).map((row) => row.customerID));
});

it("directly in ORDER BY", async () => {
  const rows = await example.session.queryRows(
    "SELECT customer_id FROM customer_features ORDER BY predict_churn(features) DESC LIMIT 3",
  );
  expect(rows.map((row) => row.customer_id)).toEqual(sortedByRisk.slice(0, 3).map((row) => row.customerID));
});

it("in WHERE", async () => {
  const rows = await example.session.queryRows(
    "SELECT count(*) AS n FROM customer_features WHERE predict_churn(features) > 0.5",
  );
  expect(Number(rows[0]?.n)).toBe(golden.filter((row) => row.churn_gbt_probability > 0.5).length);
});

it("in a scalar subquery and an IN subquery", async () => {
  const rows = await example.session.queryRows(
    "SELECT (SELECT max(predict_churn(features)) FROM customer_features) AS top, (SELECT count(*) FROM customers WHERE customer_id IN (SELECT customer_id FROM customer_features WHERE predict_churn(features) >= 0.9)) AS n",
  );
  expect(rows[0]?.top as number).toBeCloseTo(sortedByRisk[0]?.churn_gbt_probability as number, 5);
  expect(Number(rows[0]?.n)).toBe(golden.filter((row) => row.churn_gbt_probability >= 0.9 - 1e-6).length);
});

it("in GROUP BY and HAVING", async () => {
  const rows = await example.session.queryRows(
    "SELECT predict_churn(features) > 0.5 AS at_risk, count(*) AS n FROM customer_features GROUP BY predict_churn(features) > 0.5 HAVING avg(predict_churn(features)) > 0 ORDER BY at_risk",
  );
  const atRisk = golden.filter((row) => row.churn_gbt_probability > 0.5).length;
  expect(rows.map((row) => [row.at_risk, Number(row.n)])).toEqual([
    [false, 7043 - atRisk],
    [true, atRisk],
  ]);
});

it("as a window function's argument", async () => {
  const rows = await example.session.queryRows(
    "SELECT customer_id, sum(predict_churn(c.features)) OVER (ORDER BY customer_id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair FROM customer_features c ORDER BY customer_id LIMIT 3",
  );
  const ids = [...gbt.keys()].sort();
  const expected = [
    gbt.get(ids[0] as string) as number,
    (gbt.get(ids[0] as string) as number) + (gbt.get(ids[1] as string) as number),
  ];
  expect(rows[0]?.pair as number).toBeCloseTo(expected[0] as number, 5);
  expect(rows[1]?.pair as number).toBeCloseTo(expected[1] as number, 5);
});

it("in a view, with the Unity Catalog name main.sales.churn_scores and the function's three-level name", async () => {
  await example.session.queryRows(
    "CREATE OR REPLACE VIEW main.ml.high_risk AS SELECT customer_id, main.ml.predict_churn(f.features) AS p FROM main.sales.customer_features f WHERE main.ml.predict_churn(f.features) > 0.8",
  );
  const rows = await example.session.queryRows(
    "SELECT customer_id, p FROM main.ml.high_risk ORDER BY customer_id",
  );
  const expected = golden.filter((row) => row.churn_gbt_probability > 0.8);
  expect(rows).toHaveLength(expected.length);
  for (const row of rows)
    expect(Math.abs((row.p as number) - (gbt.get(row.customer_id as string) as number))).toBeLessThan(1e-5);
});

it("in a script of several statements with USE: the last statement's result comes back", async () => {
  const rows = await example.session.queryRows(
    "USE main.sales; SELECT count(*) AS n FROM churn_scores WHERE churn_probability > 0.5",
  );
  expect(Number(rows[0]?.n)).toBe(golden.filter((row) => row.churn_gbt_probability > 0.5).length);
});
