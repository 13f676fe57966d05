import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { analyseStatement, type QueryParse } from "../../src/sql/analyse/statement-analysis.js";
import { rewriteCatalogNames } from "../../src/sql/rewrite/catalog-names-rewrite.js";
import { splitStatements } from "../../src/sql/sql-tokens.js";

/** DuckDB's own parser, as the local engine uses it. */
let instance: DuckDBInstance;
let parse: (query: string) => Promise<QueryParse>;

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  parse = async (query) => {
    const reader = await connection.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR) AS tree", [query]);
    const tree = JSON.parse(String(reader.getRowObjects()[0]?.tree)) as Record<string, unknown>;
    if (tree.error)
      return { ok: false, message: String(tree.error_message), offset: Number(tree.position ?? 0) };
    return { ok: true, tree: (tree.statements as unknown[])[0] };
  };
});
afterAll(() => instance?.closeSync());

async function rewritten(sql: string): Promise<string> {
  return rewriteCatalogNames(sql, await analyseStatement(sql, parse)).text;
}

it("maps Unity Catalog's main to DuckDB's main_db wherever a statement names it, and nothing else", async () => {
  expect(
    await rewritten(
      "SELECT main.ml.predict_churn(f.features), 'main.x' AS note FROM main.sales.customer_features f -- main.y",
    ),
  ).toBe(
    `SELECT "main_db".ml.predict_churn(f.features), 'main.x' AS note FROM "main_db".sales.customer_features f -- main.y`,
  );
  expect(await rewritten('SELECT * FROM "MAIN" . sales . c JOIN sales.d USING (id)')).toBe(
    'SELECT * FROM "main_db" . sales . c JOIN sales.d USING (id)',
  );
  expect(await rewritten("SELECT main.sales.c.x FROM main.sales.c")).toBe(
    'SELECT "main_db".sales.c.x FROM "main_db".sales.c',
  );
  expect(await rewritten("SELECT sum(main.ml.f(x)) OVER (ORDER BY main.ml.g(y)) FROM t")).toBe(
    'SELECT sum("main_db".ml.f(x)) OVER (ORDER BY "main_db".ml.g(y)) FROM t',
  );
});

it("rewrites the header and the query of CREATE VIEW, CREATE SCHEMA and USE", async () => {
  expect(await rewritten("CREATE OR REPLACE VIEW main.ml.v AS SELECT * FROM main.sales.c")).toBe(
    'CREATE OR REPLACE VIEW "main_db".ml.v AS SELECT * FROM "main_db".sales.c',
  );
  expect(await rewritten("CREATE SCHEMA IF NOT EXISTS main.sales")).toBe(
    'CREATE SCHEMA IF NOT EXISTS "main_db".sales',
  );
  expect(await rewritten("USE main.sales")).toBe('USE "main_db".sales');
  expect(await rewritten("CREATE TABLE sales.c AS SELECT 1 AS x")).toBe(
    "CREATE TABLE sales.c AS SELECT 1 AS x",
  );
});

it("finds tables, functions and call arity in CTEs, subqueries and set operations; CTE names are not tables", async () => {
  const analysis = await analyseStatement(
    "WITH t AS (SELECT f(a, b) AS x FROM s.one) SELECT * FROM t UNION ALL SELECT g(y) FROM two WHERE y IN (SELECT z FROM c.s.three)",
    parse,
  );
  const tables = analysis.references
    .filter((reference) => reference.kind === "table")
    .map((reference) => [reference.catalog, reference.schema, reference.name]);
  expect(tables).toEqual([
    ["", "s", "one"],
    ["", "", "two"],
    ["c", "s", "three"],
  ]);
  expect(
    analysis.references.filter((reference) => reference.kind === "cte").map((reference) => reference.name),
  ).toEqual(["t"]);
  const calls = analysis.references
    .filter((reference) => reference.kind === "function")
    .map((reference) => [reference.name, reference.argumentCount]);
  expect(calls).toEqual([
    ["f", 2],
    ["g", 1],
  ]);
});

it("a WITH name is in scope only where its WITH clause is; table functions are told apart", async () => {
  const analysis = await analyseStatement(
    "SELECT * FROM (WITH t AS (SELECT * FROM t) SELECT * FROM t) x, t, read_csv('f.csv') JOIN range(3) r ON true",
    parse,
  );
  // In its own body a (non-recursive) CTE's name is the table of that name, as DuckDB reads it.
  expect(analysis.references.map((reference) => [reference.kind, reference.name])).toEqual([
    ["table", "t"],
    ["cte", "t"],
    ["table", "t"],
    ["table_function", "read_csv"],
    ["table_function", "range"],
  ]);
});

it("CTEs see the ones before them; a recursive CTE sees itself", async () => {
  const analysis = await analyseStatement(
    "WITH a AS (SELECT * FROM b), b AS (SELECT * FROM a) SELECT * FROM a, b",
    parse,
  );
  expect(analysis.references.map((reference) => [reference.kind, reference.name])).toEqual([
    ["table", "b"],
    ["cte", "a"],
    ["cte", "a"],
    ["cte", "b"],
  ]);
  const recursive = await analyseStatement(
    "WITH RECURSIVE r AS (SELECT * FROM r UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT count(*) FROM r",
    parse,
  );
  // The anchor's r is the table r; the recursive part's and the query's are the CTE.
  expect(
    recursive.references.filter((reference) => reference.name === "r").map((reference) => reference.kind),
  ).toEqual(["table", "cte", "cte"]);
});

it("refuses statements it cannot check, and reports syntax errors where they are", async () => {
  await expect(analyseStatement("INSERT INTO t VALUES (1)", parse)).rejects.toThrow(/UNSUPPORTED_STATEMENT/);
  await expect(analyseStatement("COPY t TO 'x.csv'", parse)).rejects.toThrow(/UNSUPPORTED_STATEMENT/);
  await expect(analyseStatement("SELECT FROM WHERE", parse)).rejects.toThrow(
    /PARSE_SYNTAX_ERROR.*line 1, column/,
  );
});

it("splits scripts on semicolons outside strings, identifiers and comments", () => {
  const script = "SELECT ';' AS a; -- one; two\nSELECT \"x;y\" FROM t /* ; */;\n\n;SELECT $$;$$";
  expect(splitStatements(script).map((statement) => statement.text.trim())).toEqual([
    "SELECT ';' AS a",
    '-- one; two\nSELECT "x;y" FROM t /* ; */',
    "SELECT $$;$$",
  ]);
});
