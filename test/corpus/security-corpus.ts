import type { ErrorClass } from "../../src/errors.js";

/**
 * The security corpus: statements with the principal running them and the expected outcome, on
 * the example workspace (sql/example/04_grants.sql). `allowed` statements must give the same
 * result as the owner gets (the differential); `denied` ones must fail with the class given and
 * leave nothing behind. The hiding places and spellings follow what a principal might try.
 */
export type Principal = "analyst" | "bi_reader" | "intern";

export interface CorpusCase {
  readonly principal: Principal;
  readonly sql: string;
  readonly outcome: { readonly allowed: true } | { readonly denied: ErrorClass };
}

const CSV = "examples/data/telco_churn.csv";
const SEED = "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features";

const allowed = (principal: Principal, sql: string): CorpusCase => ({
  principal,
  sql,
  outcome: { allowed: true },
});
const denied = (principal: Principal, sql: string, errorClass: ErrorClass): CorpusCase => ({
  principal,
  sql,
  outcome: { denied: errorClass },
});
const perms = "INSUFFICIENT_PERMISSIONS" as const;
const unsupported = "UNSUPPORTED_STATEMENT" as const;

export const SECURITY_CORPUS: readonly CorpusCase[] = [
  // The analyst: scores customers.
  allowed("analyst", SEED),
  allowed("analyst", `${SEED} ORDER BY churn_prediction DESC LIMIT 10`),
  allowed("analyst", "SELECT count(*) AS n FROM customers"),
  allowed("analyst", "SELECT count(*) AS n FROM main.sales.customers"),
  allowed("analyst", 'SELECT count(*) AS n FROM "main".sales."customers"'),
  allowed("analyst", "SELECT count(*) AS n FROM MAIN.SALES.CUSTOMERS"),
  allowed("analyst", "SELECT count(*) AS n FROM sales.customers"),
  allowed("analyst", "FROM customers SELECT count(*) AS n"),
  allowed("analyst", "WITH c AS (SELECT * FROM customers) SELECT count(*) AS n FROM c"),
  allowed(
    "analyst",
    "SELECT contract, avg(main.ml.predict_churn(features)) AS p FROM customer_features JOIN customers USING (customer_id) GROUP BY ALL ORDER BY contract",
  ),
  allowed(
    "analyst",
    "SELECT customer_id FROM customer_features QUALIFY row_number() OVER (ORDER BY predict_churn(features) DESC) <= 3 ORDER BY customer_id",
  ),
  allowed("analyst", "SELECT (SELECT max(predict_churn(features)) FROM customer_features) AS top"),
  allowed(
    "analyst",
    "SELECT count(*) AS n FROM customers WHERE customer_id IN (SELECT customer_id FROM customer_features WHERE predict_churn(features) > 0.5)",
  ),
  allowed("analyst", "SELECT count(*) AS n FROM range(10)"),
  allowed("analyst", "SELECT 1 AS x"),
  allowed("analyst", "WITH customers AS (SELECT 42 AS x) SELECT * FROM customers"),
  allowed(
    "analyst",
    "SELECT customer_id FROM customers UNION SELECT customer_id FROM customer_features ORDER BY 1 LIMIT 5",
  ),
  allowed("analyst", "USE main.sales; SELECT count(*) AS n FROM customers"),
  allowed("analyst", "DESCRIBE customers"),
  allowed("analyst", "SHOW VIEWS IN main.sales"),
  allowed("analyst", "SHOW GRANTS analyst ON TABLE main.sales.customers"),
  // The analyst may not read the view or anything outside its grants.
  denied("analyst", "SELECT * FROM main.sales.churn_scores", perms),
  denied("analyst", "SELECT predict_churn_details(features) FROM customer_features", perms),
  denied("analyst", "SELECT * FROM main.sales.customer_scores", "TABLE_OR_VIEW_NOT_FOUND"),
  denied("analyst", "SHOW GRANTS ON TABLE main.sales.customers", perms),
  denied("analyst", "GRANT SELECT ON TABLE main.sales.customers TO intern", perms),
  denied("analyst", "GRANT SELECT ON SCHEMA main.sales TO analyst", perms),
  denied("analyst", "REVOKE SELECT ON TABLE main.sales.customers FROM analyst", perms),
  denied("analyst", "CREATE VIEW main.sales.mine AS SELECT * FROM customers", perms),
  denied("analyst", "CREATE TABLE main.sales.copy AS SELECT * FROM customers", perms),
  denied("analyst", "CREATE SCHEMA main.scratch", perms),
  denied("analyst", "DROP VIEW main.sales.churn_scores", perms),
  denied("analyst", "CREATE OR REPLACE VIEW main.sales.churn_scores AS SELECT 1 AS x", perms),
  // Files, other databases, extensions, settings: refused however spelled or hidden.
  denied("analyst", `SELECT * FROM read_csv('${CSV}')`, perms),
  denied("analyst", `SELECT * FROM READ_CSV('${CSV}')`, perms),
  denied("analyst", `SELECT * FROM "read_csv"('${CSV}')`, perms),
  denied("analyst", `SELECT * FROM read_csv /* hidden */ ('${CSV}')`, perms),
  denied("analyst", `SELECT * FROM read_csv_auto('${CSV}')`, perms),
  denied("analyst", `SELECT * FROM read_text('${CSV}')`, perms),
  denied("analyst", `SELECT * FROM read_blob('${CSV}')`, perms),
  denied("analyst", "SELECT * FROM read_parquet('/tmp/x.parquet')", perms),
  denied("analyst", "SELECT * FROM read_json('/tmp/x.json')", perms),
  denied("analyst", "SELECT * FROM read_json_auto('/tmp/x.json')", perms),
  denied("analyst", "SELECT * FROM parquet_scan('/tmp/x.parquet')", perms),
  denied("analyst", "SELECT * FROM glob('/etc/*')", perms),
  denied("analyst", "SELECT * FROM sqlite_scan('metadata.sqlite', 'grants')", perms),
  denied("analyst", "SELECT * FROM query('SELECT * FROM main_db.sales.churn_scores')", perms),
  denied("analyst", "SELECT * FROM query_table('customers')", perms),
  denied("analyst", "SELECT * FROM duckdb_settings()", perms),
  denied("analyst", "SELECT * FROM duckdb_databases()", perms),
  denied("analyst", "SELECT * FROM duckdb_tables()", perms),
  denied("analyst", "SELECT * FROM customers, LATERAL read_csv('x.csv')", perms),
  denied("analyst", `SELECT * FROM '${CSV}'`, "TABLE_OR_VIEW_NOT_FOUND"),
  denied("analyst", `FROM '${CSV}'`, "TABLE_OR_VIEW_NOT_FOUND"),
  denied("analyst", "SELECT * FROM 'metadata.sqlite'", "TABLE_OR_VIEW_NOT_FOUND"),
  denied("analyst", `WITH t AS (SELECT * FROM read_csv('${CSV}')) SELECT * FROM t`, perms),
  denied("analyst", `SELECT (SELECT count(*) FROM read_csv('${CSV}')) AS n`, perms),
  denied("analyst", `SELECT 1 UNION ALL SELECT count(*) FROM read_csv('${CSV}')`, perms),
  denied(
    "analyst",
    `SELECT * FROM customers WHERE customer_id IN (SELECT customerID FROM read_csv('${CSV}'))`,
    perms,
  ),
  denied("analyst", `CREATE VIEW main.sales.leak AS SELECT * FROM read_csv('${CSV}')`, perms),
  denied("analyst", "COPY customers TO '/tmp/stolen.csv'", unsupported),
  denied("analyst", "copy (select * from customers) to '/tmp/stolen.csv'", unsupported),
  denied("analyst", "/* SELECT */ COPY customers TO '/tmp/stolen.csv'", unsupported),
  denied("analyst", "SELECT 1; COPY customers TO '/tmp/stolen.csv'", unsupported),
  denied("analyst", "SELECT 1 --\r; COPY customers TO '/tmp/stolen.csv'", unsupported),
  denied("analyst", "EXPORT DATABASE '/tmp/export'", unsupported),
  denied("analyst", "ATTACH 'metadata.sqlite' AS meta", unsupported),
  denied("analyst", "ATTACH ':memory:' AS scratch", unsupported),
  denied("analyst", "DETACH main_db", unsupported),
  denied("analyst", "INSTALL httpfs", unsupported),
  denied("analyst", "LOAD parquet", unsupported),
  denied("analyst", "SET enable_external_access = true", unsupported),
  denied("analyst", "RESET enable_external_access", unsupported),
  denied("analyst", "PRAGMA enable_profiling", unsupported),
  denied("analyst", "CALL pragma_version()", unsupported),
  denied("analyst", "CREATE MACRO m(x) AS x", unsupported),
  denied("analyst", "CREATE SECRET s (TYPE s3)", unsupported),
  denied("analyst", "DROP TABLE customers", unsupported),
  denied("analyst", "DELETE FROM customers", unsupported),
  denied("analyst", "INSERT INTO customers SELECT * FROM customers", unsupported),
  denied("analyst", "UPDATE customers SET tenure = 0", unsupported),
  denied("analyst", "CHECKPOINT", unsupported),
  denied("analyst", "SUMMARIZE customers", unsupported),
  denied("analyst", "SELECT * FROM (PIVOT customers ON contract USING count(*))", unsupported),
  denied("analyst", "SELECT \"modelsql:bound_version\"('main.ml.predict_churn')", "UNRESOLVED_ROUTINE"),
  denied("analyst", "SELECT * FROM main_db.sales.customers", "INVALID_PARAMETER_VALUE"),
  // Found by a security review: a nested comment hiding a statement from the analysis, the
  // anchor of a recursive CTE, the method-call form of a function, SHOW as a table, metadata macros.
  denied(
    "analyst",
    "/* /* */ USE sales --*/ SET VARIABLE v = (SELECT string_agg(customer_id, ',') FROM main_db.sales.customers)",
    unsupported,
  ),
  denied(
    "analyst",
    "CREATE TABLE /* /* */ main.sandbox.t AS SELECT '*/ sandbox.t AS SELECT * FROM sales.customers --'",
    perms,
  ),
  denied("analyst", "SELECT * FROM (SHOW ALL TABLES)", perms),
  denied("analyst", "SELECT * FROM (SHOW DATABASES)", perms),
  denied("analyst", "SELECT pg_get_viewdef(i) FROM range(20000, 20010) t(i)", perms),
  denied("analyst", "SELECT format_type(1, 1)", perms),
  denied("bi_reader", "SELECT * FROM (DESCRIBE customers)", perms),
  denied("bi_reader", "SELECT * FROM (SUMMARIZE customers)", perms),
  denied(
    "bi_reader",
    "WITH f AS (SELECT features FROM main.sales.churn_scores, (SELECT features FROM customer_features LIMIT 0)) SELECT features.predict_churn() FROM f",
    perms,
  ),
  denied(
    "bi_reader",
    "WITH f AS (SELECT {'tenure': 1} AS features) SELECT features.predict_churn() FROM f",
    perms,
  ),
  denied(
    "intern",
    "WITH RECURSIVE customers AS (SELECT * FROM customers UNION ALL SELECT * FROM customers WHERE false) SELECT * FROM customers",
    perms,
  ),
  denied("intern", "/* /* */ USE sales --*/ SET VARIABLE v = 1\n;\nSELECT getvariable('v')", unsupported),
  // bi_reader: the view, nothing beneath it.
  allowed("bi_reader", "SELECT * FROM main.sales.churn_scores ORDER BY customer_id LIMIT 20"),
  allowed("bi_reader", "SELECT count(*) AS n, avg(churn_probability) AS p FROM churn_scores"),
  allowed(
    "bi_reader",
    "WITH s AS (SELECT * FROM churn_scores) SELECT count(*) AS n FROM s WHERE churn_probability > 0.5",
  ),
  allowed("bi_reader", "DESCRIBE main.sales.churn_scores"),
  denied("bi_reader", "SELECT * FROM main.sales.customers", perms),
  denied("bi_reader", "SELECT * FROM customer_features", perms),
  denied("bi_reader", "SELECT * FROM churn_scores s JOIN customers c USING (customer_id)", perms),
  denied(
    "bi_reader",
    "SELECT * FROM churn_scores WHERE customer_id IN (SELECT customer_id FROM customers)",
    perms,
  ),
  denied(
    "bi_reader",
    "SELECT customer_id FROM churn_scores UNION ALL SELECT customer_id FROM customers",
    perms,
  ),
  denied("bi_reader", "WITH t AS (SELECT * FROM customers) SELECT * FROM t", perms),
  denied("bi_reader", "WITH customers AS (SELECT * FROM customers) SELECT * FROM customers", perms),
  denied(
    "bi_reader",
    "SELECT * FROM churn_scores s, LATERAL (SELECT * FROM customers c WHERE c.customer_id = s.customer_id)",
    perms,
  ),
  denied("bi_reader", "SELECT predict_churn({'tenure': 1}) AS p", perms),
  denied("bi_reader", "SELECT main.ml.predict_churn(features) FROM main.sales.customer_features", perms),
  denied("bi_reader", "SELECT * FROM main.ml.churn_scores_in_ml", "TABLE_OR_VIEW_NOT_FOUND"),
  denied("bi_reader", "DESCRIBE customers", perms),
  denied("bi_reader", "USE main.ml", perms),
  // intern: may look around main.sales, read nothing.
  allowed("intern", "SELECT 42 AS answer"),
  allowed("intern", "SHOW VIEWS IN main.sales"),
  allowed("intern", "WITH customers AS (SELECT 1 AS x) SELECT * FROM customers"),
  denied("intern", SEED, perms),
  denied("intern", "SELECT count(*) FROM customers", perms),
  denied("intern", "SELECT * FROM main.sales.churn_scores", perms),
  denied("intern", "SELECT predict_churn(features) FROM customer_features", perms),
  denied("intern", "SHOW VIEWS IN main.ml", perms),
  denied("intern", "SELECT * FROM main.ml.anything", "TABLE_OR_VIEW_NOT_FOUND"),
];
