import { DuckDBInstance, type DuckDBType } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planDeployment } from "../../src/engines/databricks/deployment-plan.js";
import { pushDown } from "../../src/engines/databricks/pushdown-rewrite.js";
import { plainValue } from "../../src/engines/duckdb/result-values.js";
import { DATABRICKS } from "../../src/sql/dialects/databricks-dialect.js";
import { DUCKDB } from "../../src/sql/dialects/duckdb-dialect.js";
import { translateSql } from "../../src/sql/rewrite/dialect-translation.js";
import { DIALECT_PAIRS } from "../corpus/dialect-corpus.js";
import {
  addFunction,
  type ExampleSession,
  exampleSession,
  FEATURE_COLUMNS,
} from "../helpers/example-session.js";
import { checkGrantWithSpark } from "./databricks-grant.js";
import { SparkParser } from "./spark-parser.js";

/**
 * The Databricks SQL modelsql writes, checked with Apache Spark itself (pyspark 4.3.0): the
 * dialect corpus's Databricks side, queries pushed down from the example workspace and the
 * `deploy` DDL parse in Spark's parser; and queries over literals mean the same on Spark's
 * engine as their translation means on DuckDB's.
 */
let spark: SparkParser;
let example: ExampleSession;
let duckdb: DuckDBInstance;

beforeAll(async () => {
  [spark, example, duckdb] = await Promise.all([
    SparkParser.start(),
    exampleSession(),
    DuckDBInstance.create(":memory:"),
  ]);
  await addFunction(example.workspace, {
    name: "main.ml.predict_churn_inline",
    databricks: { route: "ai_query" },
  });
});
afterAll(async () => {
  await spark.close();
  example.cleanup();
  duckdb.closeSync();
});

describe("the corpus's Databricks side parses in Spark", () => {
  for (const pair of DIALECT_PAIRS) {
    it(pair.name, async () => {
      expect(await spark.parse(pair.databricks)).toEqual({ ok: true });
    });
  }
});

describe("SQL pushed down from the example workspace parses in Spark", () => {
  const queries = [
    "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features",
    `SELECT customer_id, predict_churn_inline(${FEATURE_COLUMNS}) AS p FROM customers WHERE tenure > 12`,
    "SELECT customer_id, predict_churn_details(features).probabilities['1'] AS p FROM customer_features",
    "SELECT count(*) FROM churn_scores WHERE churn_probability > 0.5",
  ];
  for (const sql of queries) {
    it(sql, async () => {
      const [planned] = await example.session.plan(sql, { enforce: true });
      const pushed = pushDown(planned as NonNullable<typeof planned>);
      expect(await spark.parse(pushed.databricksSql)).toEqual({ ok: true });
    });
  }
});

describe("deploy --dry-run's DDL parses in Spark", () => {
  it("every function, view and grant, and every returnType", async () => {
    const plan = await planDeployment(example.session, example.workspace);
    expect(plan.statements.length).toBeGreaterThan(10);
    for (const statement of plan.statements) {
      const parsed =
        statement.kind === "grant"
          ? await checkGrantWithSpark(spark, statement.sql)
          : await spark.parse(statement.sql);
      expect({ statement: statement.sql, parsed }).toEqual({
        statement: statement.sql,
        parsed: { ok: true },
      });
    }
    for (const endpoint of plan.endpoints) {
      const returns = endpoint.tags.find((tag) => tag.key === "modelsql.returns")?.value as string;
      expect(await spark.parse(returns, "dataType")).toEqual({ ok: true });
    }
  });
});

/** Rows as plain values, the way both sides can be compared. */
async function onDuckdb(sql: string): Promise<Record<string, unknown>[]> {
  const connection = await duckdb.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    const types = reader.columnTypes();
    const names = reader.columnNames();
    return reader
      .getRowsJS()
      .map((row) =>
        Object.fromEntries(
          row.map((value, index) => [names[index], plainValue(value, types[index] as DuckDBType)]),
        ),
      );
  } finally {
    connection.closeSync();
  }
}

async function onSpark(sql: string): Promise<Record<string, unknown>[]> {
  const result = await spark.execute(sql);
  if (!result.ok) throw new Error(`Spark could not run ${sql}: ${result.error}`);
  return result.rows;
}

describe("translations mean the same on Spark's engine as on DuckDB's", () => {
  const fromDatabricks = [
    "SELECT concat('a', NULL) AS c, concat('a', 'b') AS d",
    "SELECT log(100) AS natural, log(2.718281828459045) AS e",
    "SELECT array(10, 20, 30)[0] AS first, array(10, 20, 30)[2] AS third, element_at(array(10, 20, 30), 1) AS e",
    "SELECT size(array(1, 2, 3)) AS n, nvl(NULL, 3) AS v",
    "SELECT datediff(DATE'2024-03-01', DATE'2024-02-01') AS days, 7 DIV 2 AS q",
    "SELECT named_struct('a', 1, 'b', 'x') AS s, struct(1 AS a, 'y' AS b) AS t",
    "SELECT map('k', 1)['k'] AS v, transform(array(1, 2), x -> x * 10) AS t, filter(array(1, 2, 3), x -> x > 1) AS f",
    "SELECT 'it\\'s' AS s, \"double\" AS t, 'a\\\\b' AS u",
    "SELECT regexp_like('abc', 'b') AS r, NULL <=> NULL AS e, 10L AS big",
    "SELECT array_sort(collect_list(x)) AS l FROM VALUES (1), (NULL), (2) AS t(x)",
    "SELECT * EXCEPT (b) FROM VALUES (1, 2, 3) AS t(a, b, c)",
    "SELECT to_date('2024-02-29') AS d, CAST('2.5' AS DOUBLE) AS x, CAST(2.7 AS INT) AS truncated, CAST(-2.7D AS INT) AS n",
    "SELECT x FROM VALUES (2), (NULL), (1) AS t(x) ORDER BY x LIMIT 1",
    "SELECT 'it' 's' AS s, '\\101' AS octal",
  ];
  for (const sql of fromDatabricks) {
    it(`Databricks as written, DuckDB translated: ${sql}`, async () => {
      expect(await onDuckdb(translateSql(sql, DATABRICKS, DUCKDB))).toEqual(await onSpark(sql));
    });
  }

  const fromDuckdb = [
    "SELECT [10, 20, 30][1] AS first, [10, 20, 30][3] AS third",
    "SELECT concat('a', NULL) AS c, log(100) AS l, len([1, 2, 3]) AS n",
    "SELECT 7 // 2 AS q, {'a': 1, 'b': 'x'} AS s, MAP {'k': 1}['k'] AS v",
    "SELECT list_transform([1, 2], x -> x * 10) AS t, list_filter([1, 2, 3], x -> x > 1) AS f",
    "SELECT date_diff('day', DATE '2024-02-01', DATE '2024-03-01') AS d, struct_extract({'a': 5}, 'a') AS v",
    "SELECT 'a\\b' AS s, 'it''s' AS t",
    "SELECT * EXCLUDE (b) FROM (VALUES (1, 2, 3)) AS t(a, b, c)",
    "SELECT regexp_matches('abc', 'b') AS r",
    "SELECT CAST(x AS INTEGER) AS away, CAST(y AS INTEGER) AS even, CAST(z AS INTEGER) AS negative FROM (VALUES (2.5, 2.5::DOUBLE, -2.5::DOUBLE)) AS t(x, y, z)",
    "SELECT x FROM (VALUES (2), (NULL), (1)) AS t(x) ORDER BY x LIMIT 1",
  ];
  for (const sql of fromDuckdb) {
    it(`DuckDB as written, Databricks translated: ${sql}`, async () => {
      expect(await onSpark(translateSql(sql, DUCKDB, DATABRICKS))).toEqual(await onDuckdb(sql));
    });
  }
});
