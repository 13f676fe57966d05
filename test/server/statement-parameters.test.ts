import { describe, expect, it } from "vitest";
import { bindParameters } from "../../src/server/statement-parameters.js";

describe("named parameter markers", () => {
  it("binds :name as a typed literal, STRING by default, and NULL for a missing value", () => {
    expect(
      bindParameters("SELECT * FROM t WHERE a = :a AND b > :B AND c IS :c", [
        { name: "a", value: "x" },
        { name: "b", value: "3", type: "int" },
        { name: "c", value: null, type: "DECIMAL(10, 2)" },
      ]),
    ).toBe(
      "SELECT * FROM t WHERE a = CAST('x' AS VARCHAR) AND b > CAST('3' AS INTEGER) AND c IS CAST(NULL AS DECIMAL(10, 2))",
    );
  });

  it("quotes a value so that it stays data", () => {
    expect(bindParameters("SELECT :v", [{ name: "v", value: "it's'; DROP TABLE t; --" }])).toBe(
      "SELECT CAST('it''s''; DROP TABLE t; --' AS VARCHAR)",
    );
  });

  it("leaves casts, named arguments, strings, quoted names and comments alone", () => {
    const sql = "SELECT x::INT, struct_pack(a := 1), ':v', \":v\" -- :v\nFROM t /* :v */ WHERE y = :v";
    expect(bindParameters(sql, [{ name: "v", value: "1" }])).toBe(
      "SELECT x::INT, struct_pack(a := 1), ':v', \":v\" -- :v\nFROM t /* :v */ WHERE y = CAST('1' AS VARCHAR)",
    );
  });

  it("reads dollar-quoted strings with any tag DuckDB allows, so no marker inside one is bound", () => {
    for (const tag of ["", "a", "a1", "_x9", "é"]) {
      const sql = `SELECT $${tag}$ :v $${tag}$, :v`;
      expect(bindParameters(sql, [{ name: "v", value: "1" }])).toBe(
        `SELECT $${tag}$ :v $${tag}$, CAST('1' AS VARCHAR)`,
      );
    }
  });

  it("refuses a marker without a parameter, and an unknown type", () => {
    expect(() => bindParameters("SELECT :a, :b", [{ name: "a", value: "1" }])).toThrow(
      /uses :b, but no parameter has that name/,
    );
    expect(() =>
      bindParameters("SELECT :a", [{ name: "a", value: "1", type: "VARCHAR); DROP TABLE t; --" }]),
    ).toThrow(/INVALID_PARAMETER_VALUE.*is not supported/);
  });

  it("leaves the statement as written when no parameters are given", () => {
    expect(bindParameters("SELECT arr[a:b] FROM t", [])).toBe("SELECT arr[a:b] FROM t");
  });
});
