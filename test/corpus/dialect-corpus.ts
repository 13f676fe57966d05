/**
 * Analyst queries in both dialects, for the dialect translation tests: each pair is the same
 * query written for DuckDB and for Databricks, as an analyst would write it in each (the
 * expected text was written by hand from each engine's documentation, then checked: the DuckDB
 * side parses in DuckDB, the Databricks side in pyspark's Spark SQL parser, npm run test:spark).
 *
 * - `both`: translating either side gives the other exactly.
 * - `toDatabricks` / `toDuckdb`: one direction only (the way back spells it another way).
 * - `refused`: no faithful translation exists; the error names the construct (`construct`).
 */
export interface CorpusPair {
  readonly name: string;
  readonly direction: "both" | "toDatabricks" | "toDuckdb";
  readonly duckdb: string;
  readonly databricks: string;
}

export interface CorpusRefusal {
  readonly name: string;
  readonly from: "duckdb" | "databricks";
  readonly sql: string;
  /** Text the error message must contain: the construct it names. */
  readonly construct: string;
  /** Refused only when the SQL is to run (unknown functions); `modelsql translate` passes them. */
  readonly strict?: boolean;
}

export const DIALECT_PAIRS: readonly CorpusPair[] = [
  {
    name: "seed query",
    direction: "both",
    duckdb: "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features",
    databricks: "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features",
  },
  {
    name: "three-level names",
    direction: "both",
    duckdb: "SELECT c.customer_id, main.ml.predict_churn(c.features) FROM main.sales.customer_features AS c",
    databricks:
      "SELECT c.customer_id, main.ml.predict_churn(c.features) FROM main.sales.customer_features AS c",
  },
  {
    name: "quoted identifiers",
    direction: "both",
    duckdb: 'SELECT "Monthly Charges", t."select" FROM "main"."sales"."raw data" AS t',
    databricks: "SELECT `Monthly Charges`, t.`select` FROM `main`.`sales`.`raw data` AS t",
  },
  {
    name: "quote inside a quoted identifier",
    direction: "both",
    duckdb: 'SELECT "a""b", "c`d" FROM t',
    databricks: 'SELECT `a"b`, `c``d` FROM t',
  },
  {
    name: "string with a quote",
    direction: "toDatabricks",
    duckdb: "SELECT * FROM customers WHERE name = 'O''Brien'",
    databricks: "SELECT * FROM customers WHERE name = 'O\\'Brien'",
  },
  {
    name: "Spark escaped quote",
    direction: "toDuckdb",
    duckdb: "SELECT * FROM customers WHERE name = 'O''Brien'",
    databricks: "SELECT * FROM customers WHERE name = 'O\\'Brien'",
  },
  {
    name: "double-quoted string in Databricks",
    direction: "toDuckdb",
    duckdb: "SELECT * FROM customers WHERE contract = 'Month-to-month'",
    databricks: 'SELECT * FROM customers WHERE contract = "Month-to-month"',
  },
  {
    name: "backslash is a plain character in DuckDB",
    direction: "both",
    duckdb: "SELECT replace(path, '\\', '/') FROM files",
    databricks: "SELECT replace(path, '\\\\', '/') FROM files",
  },
  {
    name: "newline escape",
    direction: "toDuckdb",
    duckdb: "SELECT replace(notes, '\n', ' ') FROM tickets",
    databricks: "SELECT replace(notes, '\\n', ' ') FROM tickets",
  },
  {
    name: "struct literal with positional call",
    direction: "both",
    duckdb: "SELECT predict_churn({'gender': gender, 'tenure': tenure}) FROM customers",
    databricks: "SELECT predict_churn(named_struct('gender', gender, 'tenure', tenure)) FROM customers",
  },
  {
    name: "struct_pack",
    direction: "toDatabricks",
    duckdb: "SELECT struct_pack(gender := gender, tenure := tenure * 12) AS f FROM customers",
    databricks: "SELECT named_struct('gender', gender, 'tenure', tenure * 12) AS f FROM customers",
  },
  {
    name: "Spark struct() with aliases and column names",
    direction: "toDuckdb",
    duckdb: "SELECT {'gender': gender, 'months': tenure, 'col3': 1 + 1} FROM customers",
    databricks: "SELECT struct(gender, tenure AS months, 1 + 1) FROM customers",
  },
  {
    name: "struct field access",
    direction: "both",
    duckdb: "SELECT features.gender, (features).tenure FROM customer_features",
    databricks: "SELECT features.gender, (features).tenure FROM customer_features",
  },
  {
    name: "struct_extract",
    direction: "toDatabricks",
    duckdb: "SELECT struct_extract(features, 'tenure') FROM customer_features",
    databricks: "SELECT (features).tenure FROM customer_features",
  },
  {
    name: "list literal",
    direction: "both",
    duckdb: "SELECT [monthly_charges, total_charges] AS charges FROM customers",
    databricks: "SELECT array(monthly_charges, total_charges) AS charges FROM customers",
  },
  {
    name: "empty list",
    direction: "both",
    duckdb: "SELECT [] AS nothing",
    databricks: "SELECT array() AS nothing",
  },
  {
    name: "nested lists",
    direction: "both",
    duckdb: "SELECT [[1, 2], [3]] AS grid",
    databricks: "SELECT array(array(1, 2), array(3)) AS grid",
  },
  {
    name: "list_value",
    direction: "toDatabricks",
    duckdb: "SELECT list_value(1, 2, 3)",
    databricks: "SELECT array(1, 2, 3)",
  },
  {
    name: "map literal",
    direction: "both",
    duckdb: "SELECT MAP {'Yes': 1, 'No': 0} AS churn_codes",
    databricks: "SELECT map('Yes', 1, 'No', 0) AS churn_codes",
  },
  {
    name: "map from two lists",
    direction: "toDatabricks",
    duckdb: "SELECT MAP(['a', 'b'], [1, 2])",
    databricks: "SELECT map_from_arrays(array('a', 'b'), array(1, 2))",
  },
  {
    name: "map lookup by key",
    direction: "both",
    duckdb: "SELECT details.probabilities['Yes'] FROM scored",
    databricks: "SELECT details.probabilities['Yes'] FROM scored",
  },
  {
    name: "list position",
    direction: "both",
    duckdb: "SELECT charges[1] AS first_charge, charges[2] FROM billed",
    databricks: "SELECT charges[0] AS first_charge, charges[1] FROM billed",
  },
  {
    name: "element_at",
    direction: "toDuckdb",
    duckdb: "SELECT (charges)[1] FROM billed",
    databricks: "SELECT element_at(charges, 1) FROM billed",
  },
  {
    name: "cast to a list type",
    direction: "both",
    duckdb: "SELECT CAST(scores AS DOUBLE[]) FROM t",
    databricks: "SELECT CAST(scores AS ARRAY<DOUBLE>) FROM t",
  },
  {
    name: "cast to a struct type",
    direction: "both",
    duckdb: 'SELECT CAST(f AS STRUCT("gender" VARCHAR, "tenure" BIGINT)) FROM t',
    databricks: "SELECT CAST(f AS STRUCT<gender: STRING, tenure: BIGINT>) FROM t",
  },
  {
    name: "cast to a map type",
    direction: "both",
    duckdb: "SELECT CAST(m AS MAP(VARCHAR, DOUBLE)) FROM t",
    databricks: "SELECT CAST(m AS MAP<STRING, DOUBLE>) FROM t",
  },
  {
    name: "nested types",
    direction: "both",
    duckdb: 'SELECT TRY_CAST(x AS STRUCT("a" INTEGER[], "b" MAP(VARCHAR, FLOAT))[]) FROM t',
    databricks: "SELECT TRY_CAST(x AS ARRAY<STRUCT<a: ARRAY<INT>, b: MAP<STRING, FLOAT>>>) FROM t",
  },
  {
    name: "DuckDB spellings of types",
    direction: "toDatabricks",
    duckdb:
      "SELECT CAST(a AS TEXT), CAST(c AS FLOAT8), CAST(d AS BOOL), CAST(e AS REAL), CAST(f AS BYTEA) FROM t",
    databricks:
      "SELECT CAST(a AS STRING), CAST(c AS DOUBLE), CAST(d AS BOOLEAN), CAST(e AS FLOAT), CAST(f AS BINARY) FROM t",
  },
  {
    name: "Spark spellings of types",
    direction: "toDuckdb",
    duckdb: "SELECT CAST(a AS VARCHAR), CAST(b AS FLOAT), CAST(c AS TIMESTAMPTZ) FROM t",
    databricks: "SELECT CAST(a AS STRING), CAST(b AS REAL), CAST(c AS TIMESTAMP_LTZ) FROM t",
  },
  {
    name: "decimal defaults differ",
    direction: "toDatabricks",
    duckdb: "SELECT CAST(amount AS DECIMAL) FROM t",
    databricks: "SELECT CAST(amount AS DECIMAL(18,3)) FROM t",
  },
  {
    name: "Spark decimal default",
    direction: "toDuckdb",
    duckdb: "SELECT CAST(amount AS DECIMAL(10,0)) FROM t",
    databricks: "SELECT CAST(amount AS DECIMAL) FROM t",
  },
  {
    name: "timestamps",
    direction: "both",
    duckdb: "SELECT CAST(a AS TIMESTAMPTZ), CAST(b AS TIMESTAMP), CAST(c AS DATE) FROM t",
    databricks: "SELECT CAST(a AS TIMESTAMP), CAST(b AS TIMESTAMP_NTZ), CAST(c AS DATE) FROM t",
  },
  {
    name: ":: casts",
    direction: "both",
    duckdb: "SELECT tenure::DOUBLE / 12, labels::VARCHAR[] FROM t",
    databricks: "SELECT tenure::DOUBLE / 12, labels::ARRAY<STRING> FROM t",
  },
  {
    name: "star exclusion",
    direction: "both",
    duckdb: "SELECT * EXCLUDE (features, customer_id) FROM customer_features",
    databricks: "SELECT * EXCEPT (features, customer_id) FROM customer_features",
  },
  {
    name: "qualified star exclusion",
    direction: "both",
    duckdb: "SELECT c.* EXCLUDE (features) FROM customer_features AS c",
    databricks: "SELECT c.* EXCEPT (features) FROM customer_features AS c",
  },
  {
    name: "star exclusion without parentheses",
    direction: "toDatabricks",
    duckdb: "SELECT * EXCLUDE features FROM customer_features",
    databricks: "SELECT * EXCEPT (features) FROM customer_features",
  },
  {
    name: "set EXCEPT is not a star exclusion",
    direction: "both",
    duckdb: "SELECT customer_id FROM customers EXCEPT SELECT customer_id FROM churned",
    databricks: "SELECT customer_id FROM customers EXCEPT SELECT customer_id FROM churned",
  },
  {
    name: "named parameters",
    direction: "both",
    duckdb: "SELECT * FROM customers WHERE tenure > $min_tenure AND contract = $contract",
    databricks: "SELECT * FROM customers WHERE tenure > :min_tenure AND contract = :contract",
  },
  {
    name: "positional markers",
    direction: "both",
    duckdb: "SELECT * FROM customers WHERE tenure > ? LIMIT ?",
    databricks: "SELECT * FROM customers WHERE tenure > ? LIMIT ?",
  },
  {
    name: "lambdas",
    direction: "both",
    duckdb: "SELECT list_transform(charges, x -> x * 1.2), list_filter(charges, x -> x > 50) FROM billed",
    databricks: "SELECT transform(charges, x -> x * 1.2), filter(charges, x -> x > 50) FROM billed",
  },

  {
    name: "list length",
    direction: "both",
    duckdb: "SELECT len(tags) FROM customers",
    databricks: "SELECT size(tags) FROM customers",
  },
  {
    name: "nvl",
    direction: "toDuckdb",
    duckdb: "SELECT coalesce(total_charges, 0) FROM customers",
    databricks: "SELECT nvl(total_charges, 0) FROM customers",
  },
  {
    name: "coalesce in both",
    direction: "both",
    duckdb: "SELECT coalesce(total_charges, monthly_charges * tenure, 0) FROM customers",
    databricks: "SELECT coalesce(total_charges, monthly_charges * tenure, 0) FROM customers",
  },
  {
    name: "explode and unnest",
    direction: "both",
    duckdb: "SELECT customer_id, unnest(tags) AS tag FROM customers",
    databricks: "SELECT customer_id, explode(tags) AS tag FROM customers",
  },
  {
    name: "regular expressions",
    direction: "both",
    duckdb: "SELECT * FROM customers WHERE regexp_matches(payment_method, 'auto')",
    databricks: "SELECT * FROM customers WHERE regexp_like(payment_method, 'auto')",
  },
  {
    name: "natural logarithm",
    direction: "toDuckdb",
    duckdb: "SELECT ln(monthly_charges) FROM customers",
    databricks: "SELECT log(monthly_charges) FROM customers",
  },
  {
    name: "base-10 logarithm",
    direction: "toDatabricks",
    duckdb: "SELECT log(monthly_charges) FROM customers",
    databricks: "SELECT log10(monthly_charges) FROM customers",
  },
  {
    name: "concat with NULLs",
    direction: "toDatabricks",
    duckdb: "SELECT concat(first_name, ' ', last_name) FROM customers",
    databricks: "SELECT concat_ws('', first_name, ' ', last_name) FROM customers",
  },
  {
    name: "Spark concat is NULL on NULL",
    direction: "toDuckdb",
    duckdb: "SELECT (first_name || ' ' || last_name) FROM customers",
    databricks: "SELECT concat(first_name, ' ', last_name) FROM customers",
  },
  {
    name: "date difference in days",
    direction: "both",
    duckdb: "SELECT date_diff('day', signup_date, churn_date) FROM customers",
    databricks: "SELECT datediff(churn_date, signup_date) FROM customers",
  },
  {
    name: "integer division",
    direction: "both",
    duckdb: "SELECT tenure // 12 AS years FROM customers",
    databricks: "SELECT tenure DIV 12 AS years FROM customers",
  },
  {
    name: "null-safe equality",
    direction: "toDuckdb",
    duckdb: "SELECT * FROM a JOIN b ON a.k IS NOT DISTINCT FROM b.k",
    databricks: "SELECT * FROM a JOIN b ON a.k <=> b.k",
  },
  {
    name: "typed number literals",
    direction: "toDuckdb",
    duckdb: "SELECT CAST(10 AS BIGINT), CAST(2.5 AS DOUBLE)",
    databricks: "SELECT 10L, 2.5D",
  },
  {
    name: "digit separators",
    direction: "toDatabricks",
    duckdb: "SELECT * FROM big WHERE id < 1_000_000",
    databricks: "SELECT * FROM big WHERE id < 1000000",
  },
  {
    name: "random numbers",
    direction: "both",
    duckdb: "SELECT * FROM customers WHERE random() < 0.1",
    databricks: "SELECT * FROM customers WHERE rand() < 0.1",
  },
  {
    name: "current timestamp",
    direction: "toDuckdb",
    duckdb: "SELECT current_timestamp AS scored_at",
    databricks: "SELECT current_timestamp() AS scored_at",
  },
  {
    name: "now()",
    direction: "toDatabricks",
    duckdb: "SELECT now() AS scored_at",
    databricks: "SELECT current_timestamp() AS scored_at",
  },
  {
    name: "collect_list skips NULLs",
    direction: "toDuckdb",
    duckdb:
      "SELECT contract, list(tenure) FILTER (WHERE tenure IS NOT NULL) FROM customers GROUP BY contract",
    databricks: "SELECT contract, collect_list(tenure) FROM customers GROUP BY contract",
  },
  {
    name: "to_date without a format",
    direction: "toDuckdb",
    duckdb: "SELECT CAST(signup AS DATE) FROM customers",
    databricks: "SELECT to_date(signup) FROM customers",
  },
  {
    name: "QUALIFY and GROUP BY ALL in both",
    direction: "both",
    duckdb:
      "SELECT contract, customer_id, predict_churn(features) AS p FROM customer_features QUALIFY row_number() OVER (PARTITION BY contract ORDER BY p DESC NULLS LAST) <= 3",
    databricks:
      "SELECT contract, customer_id, predict_churn(features) AS p FROM customer_features QUALIFY row_number() OVER (PARTITION BY contract ORDER BY p DESC NULLS LAST) <= 3",
  },
  {
    name: "window and aggregate",
    direction: "both",
    duckdb:
      "SELECT contract, avg(predict_churn(features)) AS mean_risk, count(*) FROM customer_features GROUP BY ALL ORDER BY mean_risk DESC NULLS LAST",
    databricks:
      "SELECT contract, avg(predict_churn(features)) AS mean_risk, count(*) FROM customer_features GROUP BY ALL ORDER BY mean_risk DESC NULLS LAST",
  },
  {
    name: "CTE with a prediction",
    direction: "both",
    duckdb:
      "WITH scored AS (SELECT customer_id, predict_churn(features) AS p FROM customer_features) SELECT count(*) FILTER (WHERE p > 0.5) FROM scored",
    databricks:
      "WITH scored AS (SELECT customer_id, predict_churn(features) AS p FROM customer_features) SELECT count(*) FILTER (WHERE p > 0.5) FROM scored",
  },
  {
    name: "CASE over a prediction",
    direction: "both",
    duckdb:
      "SELECT customer_id, CASE WHEN predict_churn(features) > 0.7 THEN 'high' WHEN predict_churn(features) > 0.3 THEN 'medium' ELSE 'low' END AS risk FROM customer_features",
    databricks:
      "SELECT customer_id, CASE WHEN predict_churn(features) > 0.7 THEN 'high' WHEN predict_churn(features) > 0.3 THEN 'medium' ELSE 'low' END AS risk FROM customer_features",
  },
  {
    name: "comments and formatting survive",
    direction: "both",
    duckdb:
      "SELECT customer_id, -- who\n       \"Monthly Charges\" /* as billed */\nFROM   customers\nWHERE  contract = 'Two year'",
    databricks:
      "SELECT customer_id, -- who\n       `Monthly Charges` /* as billed */\nFROM   customers\nWHERE  contract = 'Two year'",
  },
  {
    name: "joins and subqueries",
    direction: "both",
    duckdb:
      "SELECT c.customer_id, s.p FROM customers AS c LEFT JOIN (SELECT customer_id, predict_churn(features) AS p FROM customer_features) AS s ON c.customer_id = s.customer_id WHERE c.tenure IN (SELECT tenure FROM cohorts)",
    databricks:
      "SELECT c.customer_id, s.p FROM customers AS c LEFT JOIN (SELECT customer_id, predict_churn(features) AS p FROM customer_features) AS s ON c.customer_id = s.customer_id WHERE c.tenure IN (SELECT tenure FROM cohorts)",
  },
  {
    name: "struct argument built inline with a cast",
    direction: "both",
    duckdb: "SELECT predict_churn({'gender': gender, 'tenure': CAST(tenure AS DOUBLE)}) FROM raw_customers",
    databricks:
      "SELECT predict_churn(named_struct('gender', gender, 'tenure', CAST(tenure AS DOUBLE))) FROM raw_customers",
  },
  {
    name: "integer casts keep DuckDB's rounding",
    direction: "toDatabricks",
    duckdb: "SELECT CAST(monthly_charges AS INTEGER), CAST(7 AS BIGINT) FROM customers",
    databricks:
      "SELECT CAST(CASE WHEN typeof(monthly_charges) IN ('double', 'float') THEN bround(monthly_charges) ELSE round(monthly_charges) END AS INT), CAST(7 AS BIGINT) FROM customers",
  },
  {
    name: "integer casts keep Databricks' truncation",
    direction: "toDuckdb",
    duckdb: "SELECT CAST(trunc(monthly_charges) AS INTEGER), CAST(trunc(b) AS BIGINT) FROM customers",
    databricks: "SELECT CAST(monthly_charges AS INT), CAST(b AS LONG) FROM customers",
  },
  {
    name: "NULLs placed as DuckDB orders them",
    direction: "toDatabricks",
    duckdb: "SELECT customer_id FROM customers ORDER BY tenure, monthly_charges DESC LIMIT 10",
    databricks:
      "SELECT customer_id FROM customers ORDER BY tenure NULLS LAST, monthly_charges DESC NULLS LAST LIMIT 10",
  },
  {
    name: "NULLs placed as Databricks orders them",
    direction: "toDuckdb",
    duckdb:
      "SELECT customer_id FROM customers ORDER BY tenure NULLS FIRST, monthly_charges DESC NULLS LAST LIMIT 10",
    databricks: "SELECT customer_id FROM customers ORDER BY tenure, monthly_charges DESC LIMIT 10",
  },
  {
    name: "explicit NULLS ordering is kept",
    direction: "both",
    duckdb: "SELECT customer_id FROM customers ORDER BY tenure ASC NULLS FIRST",
    databricks: "SELECT customer_id FROM customers ORDER BY tenure ASC NULLS FIRST",
  },
  {
    name: "ARRAY[...] list syntax",
    direction: "toDatabricks",
    duckdb: "SELECT ARRAY[1, 2] AS xs",
    databricks: "SELECT array(1, 2) AS xs",
  },
  {
    name: "LIKE with a plain pattern",
    direction: "both",
    duckdb: "SELECT * FROM customers WHERE payment_method LIKE '%automatic%' AND contract NOT ILIKE 'month%'",
    databricks:
      "SELECT * FROM customers WHERE payment_method LIKE '%automatic%' AND contract NOT ILIKE 'month%'",
  },
  {
    name: "adjacent Spark strings are one string",
    direction: "toDuckdb",
    duckdb: "SELECT 'its' AS s",
    databricks: "SELECT 'it' 's' AS s",
  },
  {
    name: "DuckDB E-string escapes",
    direction: "toDatabricks",
    duckdb: "SELECT E'a\\x41\\101\\q' AS s",
    databricks: "SELECT 'aAAq' AS s",
  },
  {
    name: "Spark octal escapes",
    direction: "toDuckdb",
    duckdb: "SELECT 'A' AS s",
    databricks: "SELECT '\\101' AS s",
  },
  {
    name: "Spark variable syntax inside a string",
    direction: "toDatabricks",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Spark's variable syntax, in SQL text.
    duckdb: "SELECT '${env:HOME}' AS s",
    databricks: "SELECT '\\u0024{env:HOME}' AS s",
  },
  {
    name: "names with characters Spark reads as spaces",
    direction: "toDatabricks",
    duckdb: "SELECT na\u00efve, a\u2028b FROM t",
    databricks: "SELECT `na\u00efve`, `a\u2028b` FROM t",
  },
];

export const DIALECT_REFUSALS: readonly CorpusRefusal[] = [
  { name: "caret is power vs XOR", from: "duckdb", sql: "SELECT 2 ^ 10", construct: "The ^ operator" },
  {
    name: "caret from Databricks",
    from: "databricks",
    sql: "SELECT flags ^ 4 FROM t",
    construct: "The ^ operator",
  },
  {
    name: "computed list position",
    from: "duckdb",
    sql: "SELECT charges[i] FROM billed",
    construct: "computed subscript",
  },
  {
    name: "position 0 in DuckDB",
    from: "duckdb",
    sql: "SELECT charges[0] FROM billed",
    construct: "The subscript [0]",
  },
  { name: "list slice", from: "duckdb", sql: "SELECT charges[1:2] FROM billed", construct: "subscript" },
  {
    name: "LATERAL VIEW",
    from: "databricks",
    sql: "SELECT tag FROM customers LATERAL VIEW explode(tags) t AS tag",
    construct: "LATERAL",
  },
  {
    name: "DISTRIBUTE BY",
    from: "databricks",
    sql: "SELECT * FROM customers DISTRIBUTE BY contract",
    construct: "DISTRIBUTE",
  },
  {
    name: "JSON path",
    from: "databricks",
    sql: "SELECT raw:customer.id FROM events",
    construct: "JSON path",
  },
  {
    name: "date_format",
    from: "databricks",
    sql: "SELECT date_format(signup, 'yyyy-MM') FROM customers",
    construct: "date_format()",
  },
  {
    name: "strftime",
    from: "duckdb",
    sql: "SELECT strftime(signup, '%Y-%m') FROM customers",
    construct: "strftime()",
  },
  {
    name: "FROM-first query",
    from: "duckdb",
    sql: "FROM customers SELECT customer_id",
    construct: "starts with FROM",
  },
  {
    name: "star REPLACE",
    from: "duckdb",
    sql: "SELECT * REPLACE (tenure * 12 AS tenure) FROM customers",
    construct: "REPLACE",
  },
  {
    name: "numbered parameter",
    from: "duckdb",
    sql: "SELECT * FROM customers WHERE tenure > $1",
    construct: "numbered parameter $1",
  },
  {
    name: "DuckDB JSON arrow",
    from: "duckdb",
    sql: "SELECT payload->'$.id' FROM events",
    construct: "JSON operator",
  },
  {
    name: "list() keeps NULLs",
    from: "duckdb",
    sql: "SELECT list(tenure) FROM customers",
    construct: "list()",
  },
  {
    name: "index lambda",
    from: "databricks",
    sql: "SELECT transform(xs, (x, i) -> x + i) FROM t",
    construct: "index parameter",
  },
  { name: "unsigned type", from: "duckdb", sql: "SELECT CAST(x AS UBIGINT) FROM t", construct: "UBIGINT" },
  {
    name: "interval type",
    from: "databricks",
    sql: "SELECT CAST(x AS INTERVAL DAY) FROM t",
    construct: "INTERVAL",
  },
  {
    name: "date_diff in months",
    from: "duckdb",
    sql: "SELECT date_diff('month', a, b) FROM t",
    construct: "units other than 'day'",
  },
  {
    name: "ai_query on an unknown endpoint",
    from: "databricks",
    sql: "SELECT ai_query('elsewhere', request => named_struct('a', 1), returnType => 'DOUBLE')",
    construct: "ai_query()",
  },
  { name: "ASOF join", from: "duckdb", sql: "SELECT * FROM a ASOF JOIN b ON a.t >= b.t", construct: "ASOF" },
  {
    name: "list_contains and NULL elements",
    from: "duckdb",
    sql: "SELECT list_contains(tags, 'vip') FROM customers",
    construct: "list_contains()",
    strict: true,
  },
  {
    name: "regexp_replace replaces differently",
    from: "duckdb",
    sql: "SELECT regexp_replace(name, 'a', 'b') FROM customers",
    construct: "regexp_replace()",
    strict: true,
  },
  {
    name: "split takes a regular expression in Databricks",
    from: "databricks",
    sql: "SELECT split(path, '.') FROM files",
    construct: "split()",
    strict: true,
  },
  {
    name: "a table function",
    from: "duckdb",
    sql: "SELECT * FROM range(10)",
    construct: "range()",
    strict: true,
  },
  {
    name: "a function the workspace does not have",
    from: "databricks",
    sql: "SELECT secret('scope', 'key')",
    construct: "secret()",
    strict: true,
  },
  {
    name: ":: cast to an integer",
    from: "duckdb",
    sql: "SELECT monthly_charges::INTEGER FROM customers",
    construct: ":: cast to an integer type",
  },
  {
    name: "LIKE pattern with a backslash",
    from: "duckdb",
    sql: "SELECT * FROM t WHERE a LIKE 'x\\_y'",
    construct: "LIKE pattern",
  },
  {
    name: "LIKE with a column pattern",
    from: "databricks",
    sql: "SELECT * FROM t WHERE a LIKE b",
    construct: "LIKE pattern",
  },
  {
    name: "prefix alias",
    from: "duckdb",
    sql: "SELECT email: customer_id FROM customers",
    construct: "prefix alias",
  },
  {
    name: "list comprehension",
    from: "duckdb",
    sql: "SELECT [x * 2 FOR x IN xs] FROM t",
    construct: "list comprehension",
  },
  {
    name: "integer cast of a random value",
    from: "duckdb",
    sql: "SELECT CAST(random() * 10 AS INTEGER)",
    construct: "cast of an expression to an integer type",
  },
  {
    name: "integer cast of a computed value",
    from: "duckdb",
    sql: "SELECT CAST((SELECT count(*) FROM t) AS INTEGER)",
    construct: "cast of an expression to an integer type",
  },
  {
    name: "a function named like a keyword",
    from: "duckdb",
    sql: "SELECT join(1), over(2) FROM t",
    construct: "The function join()",
    strict: true,
  },
  { name: "a NUL character", from: "duckdb", sql: "SELECT 1 --\u0000\n, secret", construct: "NUL character" },
  { name: "ARRAY(subquery)", from: "duckdb", sql: "SELECT ARRAY(SELECT 1)", construct: "ARRAY" },
  {
    name: "bracket nesting",
    from: "duckdb",
    sql: `SELECT ${"(".repeat(300)}1${")".repeat(300)}`,
    construct: "nested more than",
  },
];
