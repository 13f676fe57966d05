import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkGrantWithSpark } from "./databricks-grant.js";
import { SparkParser } from "./spark-parser.js";

/**
 * Checks the Spark SQL parser harness itself, and records which syntax the pinned open-source Spark
 * parser accepts, so that a pin upgrade that changes any of it shows up here. Run with
 * `npx vitest run --config test/spark/vitest.spark.config.ts`.
 */

let parser: SparkParser;

beforeAll(async () => {
  parser = await SparkParser.start();
});
afterAll(async () => {
  await parser?.close();
});

async function expectParses(sql: string): Promise<void> {
  const result = await parser.parse(sql);
  // Spark's message (with its caret excerpt) is the failure text when this does not hold.
  expect(result.ok ? "parses" : result.error).toBe("parses");
}

describe("the harness", () => {
  it("runs the pyspark version pinned in requirements.txt", () => {
    const requirements = readFileSync(
      path.join(path.dirname(fileURLToPath(import.meta.url)), "requirements.txt"),
      "utf8",
    );
    expect(requirements).toContain(`pyspark==${parser.sparkVersion}\n`);
  });

  it.each([
    [
      "a plain SELECT",
      "SELECT customer_id, tenure FROM main.sales.customers WHERE tenure > 12 ORDER BY tenure DESC LIMIT 10",
    ],
    [
      "a named_struct query",
      "SELECT customer_id, named_struct('tenure', tenure, 'monthly_charges', monthly_charges) AS features FROM main.sales.customers",
    ],
    [
      "CREATE FUNCTION ... RETURN ai_query(...) with named arguments",
      "CREATE OR REPLACE FUNCTION main.ml.f(x STRING) RETURNS DOUBLE RETURN ai_query('ep', request => named_struct('x', x), returnType => 'DOUBLE')",
    ],
    [
      "CREATE OR REPLACE VIEW",
      "CREATE OR REPLACE VIEW main.ml.churn_scores AS\nSELECT customer_id, main.ml.predict_churn(tenure, contract) AS churn\nFROM main.sales.customers",
    ],
    [
      "a lambda",
      "SELECT transform(scores, s -> s * 100) AS percents, filter(scores, (s, i) -> i > 0) FROM main.ml.t",
    ],
  ])("accepts %s", async (_name, sql) => {
    await expectParses(sql);
  });

  // DuckDB-only syntax that must not reach Databricks. Columns are 1-based (Spark's pos + 1).
  it.each([
    ["a DuckDB struct literal", "SELECT {'a': 1}", 1, 8],
    ["a DuckDB list literal", "SELECT [1,2]", 1, 8],
    ["struct_pack's := arguments", "SELECT struct_pack(a := 1)", 1, 23],
    ["a DuckDB list type", "SELECT CAST(x AS FLOAT[]) FROM t", 1, 23],
    ["an error on a later line", "SELECT customer_id,\n       {'a': 1} AS s\nFROM t", 2, 8],
  ])("rejects %s with its line and column", async (_name, sql, line, column) => {
    const result = await parser.parse(sql);
    expect(result).toMatchObject({ ok: false, condition: "PARSE_SYNTAX_ERROR", line, column });
    expect(result.ok === false && result.error).toContain("Syntax error");
  });

  it("takes one statement per request: a second one is an error, a trailing semicolon is not", async () => {
    expect(await parser.parse("SELECT 1; SELECT 2")).toMatchObject({ ok: false, line: 1, column: 11 });
    await expectParses("SELECT 1;");
  });

  it("answers overlapping requests each with its own result", async () => {
    const statements = Array.from({ length: 40 }, (_, index) =>
      index % 2 === 0 ? `SELECT ${index} AS c${index}` : `SELECT [${index}]`,
    );
    const results = await Promise.all(statements.map((sql) => parser.parse(sql)));
    expect(results.map((result) => result.ok)).toEqual(statements.map((_, index) => index % 2 === 0));
  });

  it("keeps newlines and non-ASCII text intact", async () => {
    await expectParses("SELECT 'naïve\n✓' AS `clé`\nFROM `main`.`sales`.`t`");
    expect(await parser.parse("SELECT 'é', {'✓': 1}")).toMatchObject({ ok: false, line: 1, column: 13 });
  });

  it("parses fragments: data types, identifiers", async () => {
    expect(await parser.parse("STRUCT<label: BIGINT, probability: DOUBLE>", "dataType")).toEqual({
      ok: true,
    });
    expect(await parser.parse("FLOAT[]", "dataType")).toMatchObject({ ok: false });
    expect(await parser.parse("main.sales.`my table`", "multipartIdentifier")).toEqual({ ok: true });
    expect(await parser.parse("main.sales.my table", "multipartIdentifier")).toMatchObject({ ok: false });
    expect(await parser.parse("a INT, b STRING", "tableSchema")).toEqual({ ok: true });
    expect(await parser.parse("ai_query('ep', request => x)", "expression")).toEqual({ ok: true });
  });
});

/**
 * What the pinned open-source parser (pyspark 4.3.0) accepts. Databricks accepts all of these
 * except where noted; a rejected one here means the harness cannot vouch for it.
 */
describe("Spark parser syntax coverage", () => {
  it.each([
    [
      "named arguments =>",
      "SELECT ai_query('ep', request => named_struct('x', x), returnType => 'DOUBLE') FROM t",
    ],
    ["named parameter markers :name", "SELECT :x, :y + 1 FROM t WHERE a = :z"],
    ["positional parameter markers ?", "SELECT ? FROM t WHERE a = ?"],
    ["IDENTIFIER(:name)", "SELECT * FROM IDENTIFIER(:tbl)"],
    ["CREATE FUNCTION ... RETURNS ... RETURN", "CREATE FUNCTION f(x INT DEFAULT 1) RETURNS INT RETURN x + 1"],
    ["a table function", "CREATE FUNCTION f(x INT) RETURNS TABLE (a INT) RETURN SELECT x AS a"],
    [
      "CREATE OR REPLACE VIEW with columns and a comment",
      "CREATE OR REPLACE VIEW v (a COMMENT 'x') COMMENT 'v' AS SELECT 1 AS a",
    ],
    [":: casts", "SELECT a::DOUBLE, '1'::INT, x::ARRAY<STRING> FROM t"],
    ["QUALIFY", "SELECT a FROM t QUALIFY row_number() OVER (PARTITION BY b ORDER BY a) = 1"],
    ["* EXCEPT (...)", "SELECT * EXCEPT (a, b), t.* EXCEPT (c) FROM t"],
    ["backticks", "SELECT `weird col`, `a``b` FROM `main`.`sales`.`t`"],
    ["lambdas", "SELECT transform(xs, x -> x + 1) FROM t"],
    ["JSON paths a:b", "SELECT a:b.c FROM t"],
    ["pipe syntax |>", "SELECT a FROM t |> WHERE a > 1"],
    ["DROP FUNCTION / DROP VIEW", "DROP FUNCTION IF EXISTS main.ml.f"],
    // A quirk to know when writing tests: non-reserved keywords can be table aliases, so a
    // dangling WHERE or QUALIFY parses (as `t AS WHERE`). Spark's default, kept because Databricks
    // does not reserve them either (spark.sql.ansi.enforceReservedKeywords is false).
    ["a dangling WHERE (as an alias)", "SELECT a FROM t WHERE"],
  ])("accepts %s", async (_name, sql) => {
    await expectParses(sql);
  });

  it.each([
    [
      "GRANT (Databricks only)",
      "GRANT SELECT ON TABLE main.sales.t TO `analyst`",
      "INVALID_STATEMENT_OR_CLAUSE",
    ],
    [
      "REVOKE (Databricks only)",
      "REVOKE SELECT ON TABLE main.sales.t FROM `analyst`",
      "INVALID_STATEMENT_OR_CLAUSE",
    ],
    ["SHOW GRANTS (Databricks only)", "SHOW GRANTS ON TABLE main.sales.t", "PARSE_SYNTAX_ERROR"],
    [
      "ALTER ... OWNER TO (Databricks only)",
      "ALTER TABLE main.sales.t OWNER TO `analyst`",
      "PARSE_SYNTAX_ERROR",
    ],
    ["* REPLACE (not Databricks either)", "SELECT * REPLACE (a + 1 AS a) FROM t", "PARSE_SYNTAX_ERROR"],
    [
      "LANGUAGE PYTHON AS $$...$$ bodies (Databricks only)",
      "CREATE FUNCTION f(x STRING) RETURNS DOUBLE LANGUAGE PYTHON AS $$ return 1.0 $$",
      "PARSE_SYNTAX_ERROR",
    ],
  ])("rejects %s", async (_name, sql, condition) => {
    expect(await parser.parse(sql)).toMatchObject({ ok: false, condition, line: 1 });
  });
});

describe("GRANT and REVOKE, checked in pieces", () => {
  it.each([
    "GRANT SELECT ON TABLE main.sales.t TO `analyst`",
    "REVOKE EXECUTE ON FUNCTION main.ml.predict_churn FROM `data-scientists`",
    "GRANT USE CATALOG, USE SCHEMA ON SCHEMA main.ml TO `analyst@example.com`;",
  ])("accepts %s", async (sql) => {
    expect(await checkGrantWithSpark(parser, sql)).toEqual({ ok: true });
  });

  it.each([
    [
      "an unquoted e-mail principal",
      "GRANT SELECT ON TABLE main.sales.t TO analyst@example.com",
      "does not parse in Spark",
    ],
    ["a malformed name", "GRANT SELECT ON TABLE main..t TO `analyst`", "does not parse in Spark"],
    ["a dotted principal", "GRANT SELECT ON TABLE main.sales.t TO analysts.eu", "not one identifier"],
    ["REVOKE ... TO", "REVOKE SELECT ON TABLE main.sales.t TO `analyst`", "with FROM"],
    ["an unknown securable type", "GRANT SELECT ON THING main.sales.t TO `analyst`", "not GRANT|REVOKE"],
  ])("rejects %s", async (_name, sql, reason) => {
    const result = await checkGrantWithSpark(parser, sql);
    expect(result.ok === false && result.error).toContain(reason);
  });
});

// Last, as it stops the shared process (afterAll's close() is then a no-op).
it("close() stops Spark and refuses later parses", async () => {
  await parser.close();
  await expect(parser.parse("SELECT 1")).rejects.toThrow(/closed|exited/);
});
