import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import type { FunctionDefinition } from "../../src/functions/function-definition.js";
import { invocationBody, invocationRows } from "../../src/server/invocation-input.js";
import { bindInvocationRows, invocationSql } from "../../src/server/invocation-sql.js";

const definition = {
  name: "main.ml.score",
  model: "models:/main.ml.m@champion",
  parameters: [
    { name: "tenure", type: "BIGINT", input: "Tenure" },
    { name: "charges", type: "DOUBLE", input: "MonthlyCharges" },
    { name: "contract", type: "STRING", input: "Contract" },
    { name: "paperless", type: "BOOLEAN", input: "Paperless" },
  ],
  returns: { kind: "probability", class: 1 },
  onNull: "return_null",
  description: "",
} as unknown as FunctionDefinition;

const rows = (body: unknown) => invocationRows(invocationBody.parse(body), definition);

describe("invocation input", () => {
  it("reads the four forms into rows in parameter order, by parameter or model input name", () => {
    const expected = [
      [3, 20.5, "Month-to-month", true],
      [40, 99, "Two year", null],
    ];
    expect(
      rows({
        dataframe_split: {
          columns: ["Contract", "tenure", "charges", "paperless", "ignored"],
          data: [
            ["Month-to-month", 3, 20.5, true, "x"],
            ["Two year", 40, 99, null, "y"],
          ],
        },
      }),
    ).toEqual(expected);
    const records = [
      { Tenure: 3, MonthlyCharges: 20.5, Contract: "Month-to-month", Paperless: true },
      { Tenure: 40, MonthlyCharges: 99, Contract: "Two year", Paperless: null },
    ];
    expect(rows({ dataframe_records: records })).toEqual(expected);
    expect(rows({ instances: records })).toEqual(expected);
    expect(rows({ instances: expected })).toEqual(expected);
    expect(
      rows({
        inputs: {
          tenure: [3, 40],
          charges: [20.5, 99],
          contract: ["Month-to-month", "Two year"],
          paperless: [true, null],
        },
      }),
    ).toEqual(expected);
  });

  it("refuses values of the wrong type, naming the row, column and type", () => {
    const record = { tenure: 3, charges: 1, contract: "x", paperless: false };
    expect(() => rows({ dataframe_records: [record, { ...record, tenure: 2.5 }] })).toThrow(
      /Row 2, column 'tenure' \(BIGINT\): 2.5 is not a whole number/,
    );
    expect(() => rows({ dataframe_records: [{ ...record, contract: 7 }] })).toThrow(
      /\(STRING\): 7 is not a string/,
    );
    expect(() => rows({ dataframe_records: [{ ...record, paperless: "yes" }] })).toThrow(/is not a boolean/);
    expect(() => rows({ dataframe_records: [record, { tenure: 1 }] })).toThrow(
      /Row 2 has no column 'charges'/,
    );
  });

  it("keeps INT and FLOAT values within their ranges", () => {
    const narrow = {
      ...definition,
      parameters: [
        { name: "count", type: "INT", input: "Count" },
        { name: "ratio", type: "FLOAT", input: "Ratio" },
      ],
    } as unknown as FunctionDefinition;
    const read = (body: unknown) => invocationRows(invocationBody.parse(body), narrow);
    expect(read({ dataframe_records: [{ count: 2147483647, ratio: 3.4e38 }] })).toEqual([
      [2147483647, 3.4e38],
    ]);
    expect(() => read({ dataframe_records: [{ count: 2 ** 31, ratio: 1 }] })).toThrow(
      /Row 1, column 'count' \(INT\): 2147483648 is not a whole number of 32 bits/,
    );
    expect(() => read({ dataframe_records: [{ count: 1, ratio: 1e39 }] })).toThrow(
      /'ratio' \(FLOAT\).*FLOAT's range/,
    );
  });

  it("passes the rows to the query as typed lists or a JSON document, scored in request order", async () => {
    // A stand-in function with the definition's name and parameters, in plain DuckDB: the query
    // and its binder are checked on their own, apart from the session that runs them.
    const shop = { ...definition, name: "shop.ml.score" } as FunctionDefinition;
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      await connection.run("ATTACH ':memory:' AS shop");
      await connection.run("CREATE SCHEMA shop.ml");
      await connection.run(
        "CREATE MACRO shop.ml.score(t, c, k, p) AS concat_ws('|', typeof(t), t, typeof(c), c, k, coalesce(p::VARCHAR, 'null'))",
      );
      const rows = Array.from({ length: 3000 }, (_, index) => [
        index,
        index / 4,
        `it's "${index}" \\ é`,
        index % 3 === 0 ? null : index % 2 === 0,
      ]);
      const expected = rows.map(([tenure, charges, contract, paperless]) =>
        [
          "BIGINT",
          tenure,
          "DOUBLE",
          // DuckDB writes a whole DOUBLE with ".0".
          Number.isInteger(charges) ? `${charges}.0` : charges,
          contract,
          paperless === null ? "null" : String(paperless),
        ].join("|"),
      );
      for (const binding of ["lists", "json"] as const) {
        for (const count of [1, 17, 3000]) {
          const prepared = await connection.prepare(invocationSql(shop, binding));
          bindInvocationRows(shop, rows.slice(0, count), binding)(prepared);
          const answered = (await (await prepared.run()).getRowsJS()).map(([value]) => value);
          expect(answered, `${binding}, ${count} rows`).toEqual(expected.slice(0, count));
        }
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
