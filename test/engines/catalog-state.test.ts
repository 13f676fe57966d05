import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelSqlError } from "../../src/errors.js";
import { type ExampleSession, exampleSession } from "../helpers/example-session.js";

/**
 * The session keeps DuckDB's current schema and its list of tables and views between
 * statements; these check that what names resolve to (and so which privileges are checked)
 * follows what statements and rollbacks do to DuckDB's catalog.
 */
describe("the session's view of DuckDB's catalog", () => {
  let example: ExampleSession;
  beforeAll(async () => {
    example = await exampleSession();
  });
  afterAll(() => example?.cleanup());

  /** What the first table reference of a query resolves to, as `modelsql explain` shows it. */
  const resolved = async (sql: string) => {
    const [explained] = await example.session.explain(sql);
    return (
      explained?.references.find((reference) => reference.kind === "table" || reference.kind === "view")
        ?.resolved ?? null
    );
  };

  it("resolves a view created by the statement before, and not once it is dropped", async () => {
    expect(await resolved("SELECT * FROM main.sales.fresh_view")).toBeNull();
    await example.session.queryRows("CREATE VIEW main.sales.fresh_view AS SELECT 1 AS x");
    expect(await resolved("SELECT * FROM main.sales.fresh_view")).toBe("main.sales.fresh_view");
    await example.session.queryRows("DROP VIEW main.sales.fresh_view");
    expect(await resolved("SELECT * FROM main.sales.fresh_view")).toBeNull();
  });

  it("forgets a view a failed script created, once the script is rolled back", async () => {
    await expect(
      example.session.queryRows(
        "CREATE VIEW main.sales.rolled_back AS SELECT 1 AS x; SELECT x FROM main.sales.rolled_back; SELECT * FROM main.sales.no_such_table",
      ),
    ).rejects.toThrow(ModelSqlError);
    expect(await resolved("SELECT * FROM main.sales.rolled_back")).toBeNull();
  });

  it("resolves unqualified names in the schema USE chose, and back", async () => {
    await example.session.queryRows("USE main.ml");
    expect(await resolved("SELECT count(*) FROM customers")).toBeNull();
    await example.session.queryRows("USE main.sales");
    expect(await resolved("SELECT count(*) FROM customers")).toBe("main.sales.customers");
  });
});
