import { afterAll, beforeAll, expect, it } from "vitest";
import { LocalSession } from "../../src/engines/duckdb/local-session.js";
import { REPOSITORY_ROOT } from "../helpers/example-data.js";
import { type ExampleSession, exampleSession } from "../helpers/example-session.js";

/**
 * Beneath the analysis (whose refusals the security corpus in test/corpus covers), DuckDB itself
 * keeps a non-owner session away from files.
 */
let example: ExampleSession;
let analyst: LocalSession;
const csv = `${REPOSITORY_ROOT}/examples/data/telco_churn.csv`;

beforeAll(async () => {
  example = await exampleSession();
  analyst = await LocalSession.open(example.workspace, { principal: "analyst", intraOpThreads: 1 });
});
afterAll(() => {
  analyst?.close();
  example?.cleanup();
});

it("DuckDB itself refuses files to a non-owner session, beneath the analysis", async () => {
  await expect(analyst.connection.run(`SELECT * FROM read_csv('${csv}')`)).rejects.toThrow(
    /Permission Error/,
  );
  await expect(analyst.connection.run("COPY (SELECT 1) TO '/tmp/modelsql-lockdown.csv'")).rejects.toThrow(
    /Permission Error/,
  );
});
