import { DuckDBInstance, type DuckDBType } from "@duckdb/node-api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { databricksConnectionSettings } from "../../src/engines/databricks/databricks-connection-settings.js";
import { DatabricksEngine } from "../../src/engines/databricks/databricks-engine.js";
import { type PlainValue, plainValue } from "../../src/engines/duckdb/result-values.js";
import { DATABRICKS } from "../../src/sql/dialects/databricks-dialect.js";
import { DUCKDB } from "../../src/sql/dialects/duckdb-dialect.js";
import { translateSql } from "../../src/sql/rewrite/dialect-translation.js";

/**
 * Against a real SQL warehouse (only when the three variables are set): the engine connects
 * with the stock driver, and queries over literals give the same values on Databricks as their
 * DuckDB translation gives locally.
 */
const LITERAL_QUERIES = [
  "SELECT named_struct('a', 1, 'b', 'x') AS s",
  "SELECT array(1, 2, 3)[0] AS first, size(array(1, 2)) AS n",
  "SELECT concat('a', NULL) AS c, nvl(NULL, 7) AS d",
  "SELECT log(100) AS natural, 7 DIV 2 AS q",
  "SELECT datediff(DATE'2024-03-01', DATE'2024-02-01') AS days",
  "SELECT 10L AS big, CAST(2.5 AS DOUBLE) AS d",
];

let engine: DatabricksEngine;
let duckdb: DuckDBInstance;

beforeAll(async () => {
  engine = await DatabricksEngine.connect(databricksConnectionSettings({}));
  duckdb = await DuckDBInstance.create(":memory:");
});
afterAll(async () => {
  await engine.close();
  duckdb.closeSync();
});

async function onWarehouse(sql: string): Promise<PlainValue[][]> {
  const result = await engine.execute(sql, { signal: new AbortController().signal, timeoutSeconds: 120 });
  const rows: PlainValue[][] = [];
  for await (const batch of result.batches) rows.push(...batch);
  return rows;
}

it("connects and runs a statement", async () => {
  expect(await onWarehouse("SELECT 1 AS one")).toEqual([[1]]);
});

for (const sql of LITERAL_QUERIES) {
  it(`gives the same values as DuckDB: ${sql}`, async () => {
    const connection = await duckdb.connect();
    const local = await connection.runAndReadAll(translateSql(sql, DATABRICKS, DUCKDB));
    const types = local.columnTypes();
    const expected = local
      .getRowsJS()
      .map((row) => row.map((value, index) => plainValue(value, types[index] as DuckDBType)));
    const actual = await onWarehouse(sql);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
    connection.closeSync();
  });
}
