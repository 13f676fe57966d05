import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelSqlError } from "../../src/errors.js";
import { DATABRICKS } from "../../src/sql/dialects/databricks-dialect.js";
import type { Dialect } from "../../src/sql/dialects/dialect.js";
import { DUCKDB } from "../../src/sql/dialects/duckdb-dialect.js";
import { translateSql } from "../../src/sql/rewrite/dialect-translation.js";
import { DIALECT_PAIRS, DIALECT_REFUSALS } from "../corpus/dialect-corpus.js";

/** As SQL that is to run is translated: only shared functions, plus the corpus's prediction function. */
const RUNNING = {
  strictFunctions: true,
  knownFunction: (parts: readonly string[]) => parts.at(-1) === "predict_churn",
};

const DIALECTS: Record<"duckdb" | "databricks", Dialect> = { duckdb: DUCKDB, databricks: DATABRICKS };

describe("dialect corpus", () => {
  it("has at least 50 analyst queries", () => {
    expect(DIALECT_PAIRS.length).toBeGreaterThanOrEqual(50);
  });

  for (const pair of DIALECT_PAIRS) {
    if (pair.direction !== "toDuckdb") {
      it(`DuckDB to Databricks: ${pair.name}`, () => {
        expect(translateSql(pair.duckdb, DUCKDB, DATABRICKS, RUNNING)).toBe(pair.databricks);
      });
    }
    if (pair.direction !== "toDatabricks") {
      it(`Databricks to DuckDB: ${pair.name}`, () => {
        expect(translateSql(pair.databricks, DATABRICKS, DUCKDB, RUNNING)).toBe(pair.duckdb);
      });
    }
  }

  for (const refusal of DIALECT_REFUSALS) {
    it(`refuses ${refusal.name}`, () => {
      const from = DIALECTS[refusal.from];
      const to = refusal.from === "duckdb" ? DATABRICKS : DUCKDB;
      let caught: unknown;
      try {
        translateSql(refusal.sql, from, to, refusal.strict ? RUNNING : {});
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ModelSqlError);
      const error = caught as ModelSqlError;
      expect(["UNSUPPORTED_FEATURE", "PARSE_SYNTAX_ERROR"]).toContain(error.errorClass);
      expect(error.message).toContain(refusal.construct);
      if (error.errorClass === "UNSUPPORTED_FEATURE") expect(error.message).toContain(to.displayName);
      // Where: a line and column with a caret under the construct.
      expect(error.position?.line).toBeGreaterThanOrEqual(1);
      expect(error.message).toMatch(/\n.*\n\s*\^$/);
    });
  }
});

describe("DuckDB side of the corpus parses in DuckDB", () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(":memory:");
  });
  afterAll(() => instance.closeSync());

  // json_serialize_sql parses without binding, so the tables need not exist; a syntax error
  // comes back as {"error": true, ...}.
  for (const pair of DIALECT_PAIRS) {
    it(pair.name, async () => {
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR) AS tree", [
        pair.duckdb,
      ]);
      const tree = JSON.parse(String(reader.getRowObjects()[0]?.tree)) as {
        error: boolean;
        error_message?: string;
      };
      expect(tree.error_message ?? "").toBe("");
      expect(tree.error).toBe(false);
      connection.closeSync();
    });
  }
});

describe("translation keeps what it does not own", () => {
  it("is the identity between the same dialect", () => {
    const sql = "SELECT {'a': 1} -- kept\n";
    expect(translateSql(sql, DUCKDB, DUCKDB)).toBe(sql);
  });

  it("keeps leading and trailing text, comments included", () => {
    const sql = '/* header */ SELECT "x" FROM t; -- done\n';
    expect(translateSql(sql, DUCKDB, DATABRICKS)).toBe("/* header */ SELECT `x` FROM t; -- done\n");
  });

  it("reports an unterminated string with its position", () => {
    expect(() => translateSql("SELECT 'abc", DATABRICKS, DUCKDB)).toThrow(
      /PARSE_SYNTAX_ERROR.*Unterminated string/,
    );
  });

  it("reports an unbalanced bracket with its position", () => {
    expect(() => translateSql("SELECT (1 + 2", DUCKDB, DATABRICKS)).toThrow(/Unclosed '\('/);
  });
});
