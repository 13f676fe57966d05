import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { LocalSession } from "../../src/engines/duckdb/local-session.js";
import { LocalSession as Session } from "../../src/engines/duckdb/local-session.js";
import { type ExampleSession, exampleSession, statementFailure } from "../helpers/example-session.js";
import { runCli } from "../helpers/run-cli.js";

/** The example workspace's principals and grants (sql/example/04_grants.sql) at work. */
let example: ExampleSession;
const sessions: Record<string, LocalSession> = {};
const SEED = "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features";

beforeAll(async () => {
  example = await exampleSession();
  for (const principal of ["analyst", "bi_reader", "intern"]) {
    sessions[principal] = await Session.open(example.workspace, { principal, intraOpThreads: 1 });
  }
});
afterAll(() => {
  for (const session of Object.values(sessions)) session.close();
  example?.cleanup();
});

const as = (principal: string) => sessions[principal] as LocalSession;

it("the analyst runs the seed query and gets what the owner gets", async () => {
  const analyst = await as("analyst").queryRows(`${SEED} ORDER BY customer_id`);
  const owner = await example.session.queryRows(`${SEED} ORDER BY customer_id`);
  expect(analyst).toHaveLength(7043);
  expect(analyst).toEqual(owner);
});

it("the intern is denied, naming EXECUTE on the function, and nothing runs", async () => {
  const error = await statementFailure(as("intern"), SEED);
  expect(error.message).toMatch(
    /^\[INSUFFICIENT_PERMISSIONS\] User 'intern' does not have EXECUTE on FUNCTION 'main\.ml\.predict_churn'\. /,
  );
  expect(error.sqlState).toBe("42501");
  const table = await statementFailure(as("intern"), "SELECT count(*) FROM customers");
  expect(table.message).toContain("User 'intern' does not have SELECT on TABLE 'main.sales.customers'");
});

it("bi_reader reads the prediction view, which runs with its owner's rights, and nothing underneath", async () => {
  const rows = await as("bi_reader").queryRows(
    "SELECT count(*) AS n, avg(churn_probability) AS p FROM main.sales.churn_scores",
  );
  expect(Number(rows[0]?.n)).toBe(7043);
  const denied = await statementFailure(as("bi_reader"), "SELECT * FROM main.sales.customers");
  expect(denied.message).toContain("User 'bi_reader' does not have SELECT on TABLE 'main.sales.customers'");
  const viaFunction = await statementFailure(
    as("bi_reader"),
    "SELECT main.ml.predict_churn(features) FROM main.sales.churn_scores, main.sales.customer_features",
  );
  expect(viaFunction.errorClass).toBe("INSUFFICIENT_PERMISSIONS");
});

it("a CTE named like a table is not that table; a table hidden in a subquery or a set operation is checked", async () => {
  const rows = await as("bi_reader").queryRows("WITH customers AS (SELECT 1 AS x) SELECT * FROM customers");
  expect(rows).toEqual([{ x: 1 }]);
  for (const sql of [
    "SELECT * FROM main.sales.churn_scores WHERE customer_id IN (SELECT customer_id FROM customers)",
    "SELECT customer_id FROM main.sales.churn_scores UNION ALL SELECT customer_id FROM main.sales.customers",
    "WITH t AS (SELECT * FROM customers) SELECT * FROM t",
    "SELECT * FROM main.sales.churn_scores s, LATERAL (SELECT * FROM customers c WHERE c.customer_id = s.customer_id)",
  ]) {
    expect((await statementFailure(as("bi_reader"), sql)).errorClass).toBe("INSUFFICIENT_PERMISSIONS");
  }
});

it("files and names that resolve to nothing are refused for everyone but the owner", async () => {
  for (const sql of [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_parquet('x.parquet')",
    "SELECT * FROM glob('*')",
  ]) {
    expect((await statementFailure(as("analyst"), sql)).errorClass).toBe("INSUFFICIENT_PERMISSIONS");
  }
  expect((await statementFailure(as("analyst"), "SELECT * FROM '/etc/passwd'")).errorClass).toBe(
    "TABLE_OR_VIEW_NOT_FOUND",
  );
  expect(await as("analyst").queryRows("SELECT count(*) AS n FROM range(3)")).toEqual([{ n: 3n }]);
});

it("only an owner or a holder of MANAGE grants; grants and revokes take effect on the next statement", async () => {
  const notOwner = await statementFailure(
    as("analyst"),
    "GRANT SELECT ON TABLE main.sales.customers TO intern",
  );
  expect(notOwner.message).toContain("User 'analyst' does not have MANAGE on TABLE 'main.sales.customers'");
  await example.session.queryRows("GRANT EXECUTE ON FUNCTION main.ml.predict_churn TO intern");
  await example.session.queryRows(
    "GRANT USE SCHEMA ON SCHEMA main.ml TO intern; GRANT SELECT ON TABLE main.sales.customer_features TO intern",
  );
  expect(await as("intern").queryRows(`${SEED} LIMIT 1`)).toHaveLength(1);
  const shown = await example.session.queryRows("SHOW GRANTS intern ON FUNCTION main.ml.predict_churn");
  expect(shown).toEqual([
    {
      principal: "intern",
      ActionType: "EXECUTE",
      ObjectType: "FUNCTION",
      ObjectKey: "main.ml.predict_churn",
    },
  ]);
  await example.session.queryRows("REVOKE EXECUTE ON FUNCTION main.ml.predict_churn FROM intern");
  expect((await statementFailure(as("intern"), `${SEED} LIMIT 1`)).errorClass).toBe(
    "INSUFFICIENT_PERMISSIONS",
  );
});

it("a privilege granted on a schema or to a group reaches the objects and members below", async () => {
  example.workspace.principals.create("readers", "group");
  example.workspace.principals.addMember("readers", "intern");
  await example.session.queryRows("GRANT SELECT ON SCHEMA main.sales TO readers");
  expect(Number((await as("intern").queryRows("SELECT count(*) AS n FROM customers"))[0]?.n)).toBe(7043);
  await example.session.queryRows("REVOKE SELECT ON SCHEMA main.sales FROM readers");
  expect((await statementFailure(as("intern"), "SELECT count(*) FROM customers")).errorClass).toBe(
    "INSUFFICIENT_PERMISSIONS",
  );
});

it("what a principal creates it owns; it may not replace what others own", async () => {
  await example.session.queryRows("GRANT CREATE TABLE ON SCHEMA main.sales TO analyst");
  await as("analyst").queryRows(
    "CREATE VIEW main.sales.analyst_view AS SELECT customer_id, predict_churn(features) AS p FROM customer_features",
  );
  expect(example.workspace.authorizer.ownerOf({ type: "TABLE", name: "main.sales.analyst_view" })).toBe(
    "analyst",
  );
  // The view's names were qualified when it was created: it reads the same from any schema.
  const rows = await as("analyst").queryRows(
    "USE main.ml; SELECT count(*) AS n FROM main.sales.analyst_view",
  );
  expect(Number(rows[0]?.n)).toBe(7043);
  const replace = await statementFailure(
    as("analyst"),
    "CREATE OR REPLACE VIEW main.sales.churn_scores AS SELECT 1 AS x",
  );
  expect(replace.message).toContain("does not have MANAGE on TABLE 'main.sales.churn_scores'");
});

it("a GRANT made by another process takes effect on this running session's next statement", async () => {
  const sql = "SELECT count(*) AS n FROM main.sales.churn_scores";
  expect((await statementFailure(as("intern"), sql)).errorClass).toBe("INSUFFICIENT_PERMISSIONS");
  const granted = await runCli(example.directory, [
    "query",
    "GRANT SELECT ON VIEW main.sales.churn_scores TO intern",
  ]);
  expect(granted.code).toBe(0);
  expect(Number((await as("intern").queryRows(sql))[0]?.n)).toBe(7043);
  const revoked = await runCli(example.directory, [
    "query",
    "REVOKE SELECT ON VIEW main.sales.churn_scores FROM intern",
  ]);
  expect(revoked.code).toBe(0);
  expect((await statementFailure(as("intern"), sql)).errorClass).toBe("INSUFFICIENT_PERMISSIONS");
});

it("explain shows references, the model version, every privilege with whether it is held, and the SQL to run", async () => {
  const [explained] = await as("intern").explain(SEED);
  expect(explained?.references).toEqual([
    { kind: "function", written: "predict_churn", resolved: "main.ml.predict_churn" },
    { kind: "table", written: "customer_features", resolved: "main.sales.customer_features" },
  ]);
  expect(explained?.modelVersions).toEqual([
    {
      function: "main.ml.predict_churn",
      model: "models:/main.ml.churn@champion",
      version: 2,
      problem: null,
      // auto: which route won the timing is the machine's business; that it says so is tested here.
      route: expect.stringMatching(/^(onnx|sql)$/),
      routeReason: expect.stringMatching(
        /^route: auto; faster as .* compiled SQL equal to ONNX Runtime on 10,004 rows/,
      ),
    },
  ]);
  const denied = explained?.privileges
    .filter((check) => !check.held)
    .map((check) => `${check.principal} ${check.privilege} ${check.securable}`);
  // Earlier tests left the intern USE SCHEMA on main.ml and SELECT on customer_features.
  expect(denied).toEqual(["intern EXECUTE FUNCTION main.ml.predict_churn"]);
  expect(
    explained?.privileges.map((check) => `${check.principal} ${check.privilege} ${check.securable}`),
  ).toContain("admin EXECUTE MODEL main.ml.churn");
  expect(explained?.executedSql).toBe(SEED);
  // Explaining ran nothing and changed nothing: the intern is still denied.
  expect((await statementFailure(as("intern"), SEED)).errorClass).toBe("INSUFFICIENT_PERMISSIONS");
});

it("a script of grants applies all or nothing", async () => {
  const failed = await runCli(example.directory, [
    "query",
    "GRANT SELECT ON TABLE main.sales.customers TO intern; GRANT SELECT ON TABLE main.sales.no_such_table TO intern",
  ]);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(
    /^\[TABLE_OR_VIEW_NOT_FOUND\] There is no TABLE 'main\.sales\.no_such_table'/,
  );
  expect(
    example.workspace.grants.grantsOn({ type: "TABLE", name: "main.sales.customers" }, "intern"),
  ).toEqual([]);
});

it("DESCRIBE takes SELECT, SHOW VIEWS takes USE SCHEMA, DROP VIEW takes ownership or MANAGE", async () => {
  expect(await as("bi_reader").queryRows("DESCRIBE main.sales.churn_scores")).toEqual([
    { col_name: "customer_id", data_type: "VARCHAR", comment: "" },
    { col_name: "churn_probability", data_type: "DOUBLE", comment: "" },
  ]);
  expect((await statementFailure(as("bi_reader"), "DESCRIBE TABLE customers")).errorClass).toBe(
    "INSUFFICIENT_PERMISSIONS",
  );
  const views = await as("bi_reader").queryRows("SHOW VIEWS IN main.sales");
  expect(views.map((row) => row.viewName)).toContain("churn_scores");
  const denied = await statementFailure(as("analyst"), "DROP VIEW main.sales.churn_scores");
  expect(denied.message).toContain("User 'analyst' does not have MANAGE on TABLE 'main.sales.churn_scores'");
  await as("analyst").queryRows("DROP VIEW main.sales.analyst_view");
  expect(
    (await as("analyst").queryRows("SHOW VIEWS IN main.sales")).map((row) => row.viewName),
  ).not.toContain("analyst_view");
  expect(
    example.workspace.grants.ownerOf({ type: "TABLE", name: "main.sales.analyst_view" }),
  ).toBeUndefined();
  await as("analyst").queryRows("DROP VIEW IF EXISTS main.sales.analyst_view");
});

it("a non-owner's session settings never create catalogs or schemas", async () => {
  await expect(
    Session.open(example.workspace, { principal: "intern", defaults: { currentSchema: "dev.default" } }),
  ).rejects.toThrow(/There is no catalog dev/);
  expect(existsSync(path.join(example.directory, "data", "dev.duckdb"))).toBe(false);
  await expect(
    Session.open(example.workspace, { principal: "intern", defaults: { currentSchema: "main.scratch" } }),
  ).rejects.toThrow(/There is no schema main\.scratch/);
});

it("CREATE SCHEMA IF NOT EXISTS on an existing schema does not take it over", async () => {
  await example.session.queryRows("GRANT CREATE SCHEMA ON CATALOG main TO intern");
  await as("intern").queryRows("CREATE SCHEMA IF NOT EXISTS main.sales");
  expect(example.workspace.authorizer.ownerOf({ type: "SCHEMA", name: "main.sales" })).toBe("admin");
  expect((await statementFailure(as("intern"), "SELECT count(*) FROM main.sales.customers")).errorClass).toBe(
    "INSUFFICIENT_PERMISSIONS",
  );
  await as("intern").queryRows("CREATE SCHEMA main.intern_space");
  expect(example.workspace.authorizer.ownerOf({ type: "SCHEMA", name: "main.intern_space" })).toBe("intern");
});
