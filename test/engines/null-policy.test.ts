import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelSqlError } from "../../src/errors.js";
import { goldenPredictions } from "../helpers/example-data.js";
import {
  addFunction,
  type ExampleSession,
  exampleSession,
  FEATURE_COLUMNS,
} from "../helpers/example-session.js";

/** The NULL policy holds on both local routes: the ONNX UDF and the model compiled to SQL. */
const ROUTES = ["onnx", "sql"] as const;
let example: ExampleSession;
const golden = new Map(goldenPredictions().map((row) => [row.customerID, row]));

beforeAll(async () => {
  example = await exampleSession();
  for (const route of ROUTES) {
    await addFunction(example.workspace, {
      name: `main.ml.churn_or_null_${route}`,
      model: "models:/main.ml.churn/2",
      on_null: "return_null",
      route,
    });
    await addFunction(example.workspace, {
      name: `main.ml.churn_or_fail_${route}`,
      model: "models:/main.ml.churn/2",
      on_null: "fail",
      route,
    });
  }
  // Every fourth customer loses a required feature; every seventh its contract.
  await example.session.queryRows(
    "CREATE TABLE main.sales.gappy AS SELECT customer_id, * EXCLUDE (customer_id, tenure, contract), CASE WHEN row_number() OVER () % 4 = 0 THEN NULL ELSE tenure END AS tenure, CASE WHEN row_number() OVER () % 7 = 0 THEN NULL ELSE contract END AS contract FROM customers",
  );
});
afterAll(() => example?.cleanup());

describe.each(ROUTES)("route %s", (route) => {
  const orNull = `churn_or_null_${route}`;
  const orFail = `churn_or_fail_${route}`;

  it("scores through the route asked for", async () => {
    const explained = await example.session.explain(`SELECT ${orNull}(${FEATURE_COLUMNS}) FROM customers`);
    expect(explained[0]?.modelVersions[0]?.route).toBe(route);
  });

  it("on_null: return_null gives NULL for rows with a NULL argument and scores the others as usual", async () => {
    const rows = await example.session.queryRows(
      `SELECT customer_id, tenure IS NULL OR contract IS NULL AS has_null, ${orNull}(${FEATURE_COLUMNS}) AS p FROM gappy`,
    );
    const withNull = rows.filter((row) => row.has_null);
    const complete = rows.filter((row) => !row.has_null);
    expect(withNull.length).toBeGreaterThan(2000);
    expect(withNull.every((row) => row.p === null)).toBe(true);
    const largest = Math.max(
      ...complete.map((row) =>
        Math.abs(
          (row.p as number) - (golden.get(row.customer_id as string)?.churn_gbt_probability as number),
        ),
      ),
    );
    expect(largest).toBeLessThan(1e-5);
  });

  it("the STRUCT form follows the same policy, and a NULL struct is a NULL row", async () => {
    const rows = await example.session.queryRows(
      `SELECT ${orNull}(CASE WHEN tenure > 70 THEN NULL ELSE struct_pack(${FEATURE_COLUMNS}) END) AS p, tenure > 70 OR tenure IS NULL OR contract IS NULL AS expect_null FROM gappy`,
    );
    expect(rows.filter((row) => row.expect_null).every((row) => row.p === null)).toBe(true);
    expect(rows.filter((row) => !row.expect_null).every((row) => typeof row.p === "number")).toBe(true);
  });

  it("on_null: fail fails the statement naming the function and the parameter, and the session goes on", async () => {
    const failure = await example.session
      .queryRows(`SELECT ${orFail}(${FEATURE_COLUMNS}) FROM gappy`)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelSqlError);
    expect((failure as ModelSqlError).errorClass).toBe("NULL_PREDICTION_INPUT");
    expect((failure as ModelSqlError).message).toMatch(
      new RegExp(`main\\.ml\\.${orFail} got NULL for parameter (tenure|contract)`),
    );
    const after = await example.session.queryRows(
      `SELECT count(${orFail}(${FEATURE_COLUMNS})) AS n FROM gappy WHERE tenure IS NOT NULL AND contract IS NOT NULL`,
    );
    expect(Number(after[0]?.n)).toBeGreaterThan(4000);
  });

  it("a NULL in an input the signature marks optional is a missing value for the model, under either policy", async () => {
    const rows = await example.session.queryRows(
      `SELECT customer_id, ${orFail}(${FEATURE_COLUMNS}) AS p FROM customers WHERE total_charges IS NULL`,
    );
    expect(rows).toHaveLength(11);
    for (const row of rows)
      expect(
        Math.abs(
          (row.p as number) - (golden.get(row.customer_id as string)?.churn_gbt_probability as number),
        ),
      ).toBeLessThan(1e-5);
  });
});

it("under on_null: fail, a NULL STRUCT argument fails on the compiled route as on the UDF", async () => {
  const messages = await Promise.all(
    ROUTES.map((route) =>
      example.session
        .queryRows(
          `SELECT churn_or_fail_${route}(CASE WHEN tenure > 70 THEN NULL ELSE struct_pack(${FEATURE_COLUMNS}) END) FROM customers`,
        )
        .catch((error: unknown) => (error as ModelSqlError).message.replace(`_${route}`, "")),
    ),
  );
  expect(messages[0]).toMatch(
    /^\[NULL_PREDICTION_INPUT\] main\.ml\.churn_or_fail got a NULL STRUCT argument/,
  );
  expect(messages[1]).toBe(messages[0]);
});
