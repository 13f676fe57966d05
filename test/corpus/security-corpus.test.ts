import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSession } from "../../src/engines/duckdb/local-session.js";
import { ModelSqlError } from "../../src/errors.js";
import { REPOSITORY_ROOT } from "../helpers/example-data.js";
import { type ExampleSession, exampleSession } from "../helpers/example-session.js";
import { type Principal, SECURITY_CORPUS } from "./security-corpus.js";

let example: ExampleSession;
const sessions = new Map<Principal, LocalSession>();

beforeAll(async () => {
  example = await exampleSession();
  for (const principal of ["analyst", "bi_reader", "intern"] as const) {
    sessions.set(principal, await LocalSession.open(example.workspace, { principal, intraOpThreads: 1 }));
  }
  // Relative file names in the corpus resolve from the repository root.
  process.chdir(REPOSITORY_ROOT);
});
afterAll(() => {
  for (const session of sessions.values()) session.close();
  example?.cleanup();
});

/** Everything a statement could have changed: tables, views, schemas, grants and owners. */
async function workspaceState(): Promise<unknown> {
  const relations = await example.session.queryRows(
    "SELECT count(*) AS n FROM main.sales.customers UNION ALL SELECT count(*) FROM main.sales.customer_features",
  );
  const grants = ["main.sales.customers", "main.sales.customer_features", "main.sales.churn_scores"].map(
    (name) => example.workspace.grants.grantsOn({ type: "TABLE", name }).length,
  );
  const catalog = await example.session.connection.runAndReadAll(
    "SELECT (SELECT count(*) FROM duckdb_tables()) AS tables, (SELECT count(*) FROM duckdb_views() WHERE NOT internal) AS views, (SELECT count(*) FROM duckdb_schemas()) AS schemas",
  );
  return { relations, grants, catalog: catalog.getRowObjectsJson() };
}

it("has at least 80 statements, for every example user", () => {
  expect(SECURITY_CORPUS.length).toBeGreaterThanOrEqual(80);
  expect(new Set(SECURITY_CORPUS.map((entry) => entry.principal))).toEqual(
    new Set(["analyst", "bi_reader", "intern"]),
  );
});

describe("denied statements fail with their class and change nothing", () => {
  const cases = SECURITY_CORPUS.flatMap((entry) =>
    "denied" in entry.outcome ? [[entry.principal, entry.sql, entry.outcome.denied] as const] : [],
  );
  it.each(cases)("%s: %s", async (principal, sql, errorClass) => {
    const before = await workspaceState();
    const thrown = await (sessions.get(principal) as LocalSession).queryRows(sql).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(ModelSqlError);
    expect((thrown as ModelSqlError).errorClass).toBe(errorClass);
    expect(await workspaceState()).toEqual(before);
  });
});

describe("allowed statements give what the owner gets", () => {
  const cases = SECURITY_CORPUS.flatMap((entry) =>
    "allowed" in entry.outcome ? [[entry.principal, entry.sql] as const] : [],
  );
  it.each(cases)("%s: %s", async (principal, sql) => {
    const theirs = await (sessions.get(principal) as LocalSession).queryRows(sql);
    const owners = await example.session.queryRows(sql);
    expect(theirs).toEqual(owners);
  });
});
