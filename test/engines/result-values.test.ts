import { DuckDBInstance } from "@duckdb/node-api";
import { expect, it } from "vitest";
import { plainValue } from "../../src/engines/duckdb/result-values.js";

it("prints a DATE as the date, a TIMESTAMP as an instant", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(
    "SELECT DATE '2024-02-29' AS d, TIMESTAMP '2024-02-29 13:45:00' AS t, NULL::DATE AS n",
  );
  const types = reader.columnTypes();
  const row = (reader.getRowsJS()[0] ?? []).map((value, index) =>
    plainValue(value, types[index] as (typeof types)[number]),
  );
  expect(row).toEqual(["2024-02-29", "2024-02-29T13:45:00.000Z", null]);
  connection.closeSync();
  instance.closeSync();
});
