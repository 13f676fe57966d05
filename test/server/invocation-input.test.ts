import { describe, expect, it } from "vitest";
import type { FunctionDefinition } from "../../src/functions/function-definition.js";
import { invocationBody, invocationRows } from "../../src/server/invocation-input.js";
import { invocationSql } from "../../src/server/invocation-sql.js";

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

  it("writes a query over the rows as literals cast to the parameter types, in request order", () => {
    expect(
      invocationSql(definition, [
        [3, 20.5, "it's", true],
        [null, 1e-7, "b", null],
      ]),
    ).toBe(
      "SELECT main.ml.score(CAST(request_rows.p0 AS BIGINT), CAST(request_rows.p1 AS DOUBLE), CAST(request_rows.p2 AS VARCHAR), CAST(request_rows.p3 AS BOOLEAN)) AS prediction\n" +
        "FROM (VALUES (0, 3, 20.5, 'it''s', TRUE),\n(1, NULL, 1e-7, 'b', NULL)) AS request_rows(ordinal, p0, p1, p2, p3)\n" +
        "ORDER BY request_rows.ordinal",
    );
  });
});
