import { afterAll, beforeAll, expect, it } from "vitest";
import { LocalSession } from "../../src/engines/duckdb/local-session.js";
import type { ErrorClass } from "../../src/errors.js";
import { REPOSITORY_ROOT } from "../helpers/example-data.js";
import { type ExampleSession, exampleSession, statementFailure } from "../helpers/example-session.js";

/**
 * What a principal other than the owner cannot reach, however it is spelled: files, other
 * databases, extensions, settings. Each case must be refused with the class given, and nothing
 * of it may run (checked by the customer count staying whole and no file appearing).
 */
let example: ExampleSession;
let analyst: LocalSession;
const csv = `${REPOSITORY_ROOT}/examples/data/telco_churn.csv`;

beforeAll(async () => {
  example = await exampleSession();
  analyst = await LocalSession.open(example.workspace, { principal: "analyst", intraOpThreads: 1 });
});
afterAll(() => {
  analyst?.close();
  example?.cleanup();
});

const refused: [string, ErrorClass][] = [
  [`SELECT * FROM read_csv('${csv}')`, "INSUFFICIENT_PERMISSIONS"],
  [`SELECT * FROM READ_CSV('${csv}')`, "INSUFFICIENT_PERMISSIONS"],
  [`SELECT * FROM "read_csv"('${csv}')`, "INSUFFICIENT_PERMISSIONS"],
  [`SELECT * FROM read_csv /* hidden */ ('${csv}')`, "INSUFFICIENT_PERMISSIONS"],
  [`SELECT * FROM read_csv_auto('${csv}')`, "INSUFFICIENT_PERMISSIONS"],
  [`SELECT * FROM read_text('${csv}')`, "INSUFFICIENT_PERMISSIONS"],
  [`SELECT * FROM read_blob('${csv}')`, "INSUFFICIENT_PERMISSIONS"],
  ["SELECT * FROM read_parquet('/tmp/x.parquet')", "INSUFFICIENT_PERMISSIONS"],
  ["SELECT * FROM read_json('/tmp/x.json')", "INSUFFICIENT_PERMISSIONS"],
  ["SELECT * FROM glob('/etc/*')", "INSUFFICIENT_PERMISSIONS"],
  [`SELECT * FROM '${csv}'`, "TABLE_OR_VIEW_NOT_FOUND"],
  [`FROM '${csv}'`, "TABLE_OR_VIEW_NOT_FOUND"],
  [`WITH t AS (SELECT * FROM read_csv('${csv}')) SELECT * FROM t`, "INSUFFICIENT_PERMISSIONS"],
  [`SELECT (SELECT count(*) FROM read_csv('${csv}')) AS n`, "INSUFFICIENT_PERMISSIONS"],
  [
    `SELECT * FROM customers WHERE customer_id IN (SELECT customerID FROM read_csv('${csv}'))`,
    "INSUFFICIENT_PERMISSIONS",
  ],
  [`SELECT 1 UNION ALL SELECT count(*) FROM read_csv('${csv}')`, "INSUFFICIENT_PERMISSIONS"],
  ["SELECT * FROM duckdb_settings()", "INSUFFICIENT_PERMISSIONS"],
  ["SELECT * FROM duckdb_databases()", "INSUFFICIENT_PERMISSIONS"],
  ["SELECT * FROM sqlite_scan('/work/x.sqlite', 'grants')", "INSUFFICIENT_PERMISSIONS"],
  ["COPY customers TO '/tmp/stolen.csv'", "UNSUPPORTED_STATEMENT"],
  ["copy (select * from customers) to '/tmp/stolen.csv'", "UNSUPPORTED_STATEMENT"],
  ["EXPORT DATABASE '/tmp/export'", "UNSUPPORTED_STATEMENT"],
  ["ATTACH '/tmp/other.duckdb' AS other", "UNSUPPORTED_STATEMENT"],
  ["DETACH main_db", "UNSUPPORTED_STATEMENT"],
  ["INSTALL httpfs", "UNSUPPORTED_STATEMENT"],
  ["LOAD parquet", "UNSUPPORTED_STATEMENT"],
  ["SET enable_external_access = true", "UNSUPPORTED_STATEMENT"],
  ["RESET enable_external_access", "UNSUPPORTED_STATEMENT"],
  ["PRAGMA enable_profiling", "UNSUPPORTED_STATEMENT"],
  ["CALL pragma_version()", "UNSUPPORTED_STATEMENT"],
  ["DROP TABLE customers", "UNSUPPORTED_STATEMENT"],
  ["DELETE FROM customers", "UNSUPPORTED_STATEMENT"],
  ["INSERT INTO customers SELECT * FROM customers", "UNSUPPORTED_STATEMENT"],
  ["UPDATE customers SET tenure = 0", "UNSUPPORTED_STATEMENT"],
  ["CREATE MACRO m(x) AS x", "UNSUPPORTED_STATEMENT"],
  ["CREATE SECRET s (TYPE s3)", "UNSUPPORTED_STATEMENT"],
  ["SELECT 1; COPY customers TO '/tmp/stolen.csv'", "UNSUPPORTED_STATEMENT"],
  ["SELECT 1 --\r; COPY customers TO '/tmp/stolen.csv'", "UNSUPPORTED_STATEMENT"],
  ["/* SELECT */ COPY customers TO '/tmp/stolen.csv'", "UNSUPPORTED_STATEMENT"],
  [`CREATE VIEW main.sales.leak AS SELECT * FROM read_csv('${csv}')`, "INSUFFICIENT_PERMISSIONS"],
  ["SELECT \"modelsql:bound_version\"('main.ml.predict_churn')", "UNRESOLVED_ROUTINE"],
];

it.each(refused)("refuses %s", async (sql, errorClass) => {
  const error = await statementFailure(analyst, sql);
  expect(error.errorClass).toBe(errorClass);
});

it("nothing of the refused statements ran", async () => {
  const rows = await example.session.queryRows("SELECT count(*) AS n FROM main.sales.customers");
  expect(Number(rows[0]?.n)).toBe(7043);
  const leak = await example.session.queryRows(
    "SELECT count(*) AS n FROM duckdb_views() WHERE view_name = 'leak'",
  );
  expect(Number(leak[0]?.n)).toBe(0);
});

it("DuckDB itself refuses files to a non-owner session, beneath the analysis", async () => {
  await expect(analyst.connection.run(`SELECT * FROM read_csv('${csv}')`)).rejects.toThrow(
    /Permission Error/,
  );
  await expect(analyst.connection.run("COPY (SELECT 1) TO '/tmp/modelsql-lockdown.csv'")).rejects.toThrow(
    /Permission Error/,
  );
});
