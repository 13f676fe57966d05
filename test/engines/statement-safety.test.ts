import { afterAll, beforeAll, expect, it } from "vitest";
import type { ModelSqlError } from "../../src/errors.js";
import {
  addFunction,
  type ExampleSession,
  exampleSession,
  FEATURE_COLUMNS,
  statementFailure,
} from "../helpers/example-session.js";

/** What must not get through analysis, and text that must survive the rewrite intact. */
let example: ExampleSession;

beforeAll(async () => {
  example = await exampleSession();
  await addFunction(example.workspace, {
    name: "main.ml.strict_churn",
    model: "models:/main.ml.churn/2",
    on_null: "fail",
  });
});
afterAll(() => example?.cleanup());

function failure(sql: string): Promise<ModelSqlError> {
  return statementFailure(example.session, sql);
}

async function customerCount(): Promise<number> {
  return Number((await example.session.queryRows("SELECT count(*) AS n FROM main.sales.customers"))[0]?.n);
}

it("a second statement hidden behind a comment DuckDB ends at \\r is refused, and nothing runs", async () => {
  const error = await failure("USE main.sales --\r; DROP TABLE main_db.sales.customers");
  expect(error.errorClass).toBe("UNSUPPORTED_STATEMENT");
  expect(await customerCount()).toBe(7043);
  const hidden = await failure(
    "CREATE TABLE main.sales.t1 --\r AS SELECT 1; DROP TABLE main_db.sales.customers; CREATE TABLE main.sales.t2\nAS SELECT 2",
  );
  expect(hidden.errorClass).toBe("UNSUPPORTED_STATEMENT");
  expect(await customerCount()).toBe(7043);
});

it("a failing script leaves nothing of its earlier statements", async () => {
  const error = await failure(
    "CREATE TABLE main.sales.half_done AS SELECT 1 AS x; SELECT no_such_column FROM customers",
  );
  expect(error.errorClass).toBe("UNRESOLVED_COLUMN");
  const tables = await example.session.queryRows(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'half_done'",
  );
  expect(Number(tables[0]?.n)).toBe(0);
  // The session goes on, and a script that succeeds keeps its work.
  await example.session.queryRows(
    "CREATE TABLE main.sales.all_done AS SELECT 1 AS x; SELECT * FROM main.sales.all_done",
  );
  expect((await example.session.queryRows("SELECT x FROM main.sales.all_done"))[0]?.x).toBe(1);
});

it("names after non-ASCII text are found and rewritten where DuckDB says they are", async () => {
  const rows = await example.session.queryRows(
    `SELECT 'é€😀' AS x, count(*) AS n FROM "main".sales.customers WHERE gender <> 'ü'`,
  );
  expect(rows).toEqual([{ x: "é€😀", n: 7043n }]);
  const error = await failure("SELECT 'ééééé' AS x, FROM FROM customers");
  expect(error.errorClass).toBe("PARSE_SYNTAX_ERROR");
  // At the first FROM (a trailing comma before FROM is allowed), counted in characters, not bytes.
  expect(error.position).toEqual({ line: 1, column: 22 });
});

it("ENUM arguments are scored by their text", async () => {
  // Two long values of equal length and prefix, each first in its ENUM: hash() of an ENUM value
  // hashes its position, so without the cast to text both would share one cache key.
  const columns = (contract: string, enumType: string) =>
    FEATURE_COLUMNS.replace("contract", `contract := '${contract}'::${enumType}`);
  const rows = await example.session.queryRows(
    `SELECT predict_churn(struct_pack(${columns("Month-to-month", "ENUM('Month-to-month', 'Month-to-montX')")})) AS a, predict_churn(struct_pack(${columns("Month-to-montX", "ENUM('Month-to-montX', 'Month-to-month')")})) AS b, predict_churn(struct_pack(${columns("Month-to-montX", "VARCHAR")})) AS c, predict_churn(struct_pack(${columns("Month-to-month", "VARCHAR")})) AS d FROM customers WHERE customer_id = '7590-VHVEG'`,
  );
  const row = rows[0] as Record<string, number>;
  expect(row.a).toBe(row.d);
  expect(row.b).toBe(row.c);
  expect(row.a).not.toBe(row.b);
});

it("volatile functions inside a prediction call's arguments are refused; computed in a subquery they are fine", async () => {
  const error = await failure(
    `SELECT predict_churn(struct_pack(${FEATURE_COLUMNS.replace("contract", "contract := CASE WHEN random() < 0.5 THEN 'Two year' ELSE contract END")})) FROM customers`,
  );
  expect(error.errorClass).toBe("UNSUPPORTED_STATEMENT");
  expect(error.message).toContain("random() is volatile");
  const rows = await example.session.queryRows(
    `SELECT count(predict_churn(${FEATURE_COLUMNS})) AS n FROM (SELECT * REPLACE (CASE WHEN random() < 0.5 THEN 'Two year' ELSE contract END AS contract) FROM customers)`,
  );
  expect(Number(rows[0]?.n)).toBe(7043);
});

it("the internal UDFs cannot be called directly", async () => {
  const error = await failure(`SELECT "modelsql:main.ml.predict_churn#00000000"(1) AS p`);
  expect(error.errorClass).toBe("UNRESOLVED_ROUTINE");
});

it("a statement's own error text cannot pass for a modelsql error class", async () => {
  const error = await failure("SELECT error('[INSUFFICIENT_PERMISSIONS] forged') AS x");
  expect(error.errorClass).toBe("SQL_EXECUTION_ERROR");
});

it("an unknown table function is an unresolved routine", async () => {
  expect((await failure("SELECT * FROM no_such_table_function(1)")).errorClass).toBe("UNRESOLVED_ROUTINE");
});

it("a NULL STRUCT under on_null: fail says the STRUCT was NULL", async () => {
  const error = await failure(
    "SELECT strict_churn(CASE WHEN customer_id = '7590-VHVEG' THEN NULL ELSE features END) FROM customer_features",
  );
  expect(error.errorClass).toBe("NULL_PREDICTION_INPUT");
  expect(error.message).toContain("got a NULL STRUCT argument");
});

it("result columns are named with Unity Catalog's names", async () => {
  const rows = await example.session.queryRows(
    "SELECT main.ml.predict_churn(features) FROM main.sales.customer_features LIMIT 1",
  );
  expect(Object.keys(rows[0] as object)).toEqual(["main.ml.predict_churn(features)"]);
});
