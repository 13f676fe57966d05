/**
 * SQL errors as the stock driver surfaces them: a failed statement is reported by
 * GetOperationStatus (ERROR_STATE), and the driver throws OperationStateError with errorCode
 * "ERROR", `message` = the Databricks-rendered text and `response.sqlState`. An error while
 * fetching comes back as a FetchResults error status, which the driver throws as StatusError.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StandInError } from "./stand-in-backend.js";
import { type DuckDbStandIn, startDuckDbStandIn } from "./stand-in-fixture.js";
import { startStandInServer } from "./stand-in-server.js";
import { connectStockClient } from "./stock-driver-client.js";

let standIn: DuckDbStandIn;

beforeAll(async () => {
  standIn = await startDuckDbStandIn();
});

afterAll(async () => {
  await standIn.close();
});

async function runFailing(sql: string): Promise<unknown> {
  const client = await connectStockClient(standIn.server);
  const session = await client.openSession();
  // runAsync: executeStatement itself succeeds; the failure shows when the driver polls.
  const operation = await session.executeStatement(sql);
  const error = await operation.fetchAll().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  await client.close();
  return error;
}

describe("SQL errors", () => {
  it("reports a StandInError as [CLASS] message SQLSTATE with the sqlState on the response", async () => {
    const error = await runFailing("SELECT * FROM missing_table");
    // An Error subclass (HiveDriverError) whose `name` stays "Error"; the driver does not export it.
    expect(error).toBeInstanceOf(Error);
    expect(error?.constructor.name).toBe("OperationStateError");
    expect(error).toMatchObject({
      errorCode: "ERROR",
      response: { sqlState: "42P01" },
    });
    const message = (error as Error).message;
    expect(message).toMatch(
      /^\[TABLE_OR_VIEW_NOT_FOUND\] Catalog Error: Table with name missing_table does not exist!/,
    );
    expect(message).toMatch(/ SQLSTATE: 42P01$/);
    expect((error as { response: { errorMessage: string } }).response.errorMessage).toBe(message);
  });

  it("reports any other backend error as INTERNAL_ERROR / XX000", async () => {
    const error = await runFailing("SELECT 'not a number'::INTEGER");
    expect(error).toMatchObject({ errorCode: "ERROR", response: { sqlState: "XX000" } });
    expect((error as Error).message).toMatch(/^\[INTERNAL_ERROR\] Conversion Error: .* SQLSTATE: XX000$/s);
  });

  it("fails the fetch when the backend fails after the statement finished", async () => {
    const server = await startStandInServer({
      backend: {
        openSession: async () => ({
          execute: async () => ({
            columns: [{ name: "ratio", typeName: "DOUBLE", typeText: "double" }],
            batches: (async function* () {
              yield [[0.5]];
              throw new StandInError("Division by zero.", "22012", "DIVIDE_BY_ZERO");
            })(),
          }),
          close: async () => undefined,
        }),
      },
    });
    try {
      const client = await connectStockClient(server);
      const session = await client.openSession();
      const operation = await session.executeStatement("SELECT ratio FROM t");
      await expect(operation.fetchAll()).rejects.toMatchObject({
        name: "Status Error",
        message: "[DIVIDE_BY_ZERO] Division by zero. SQLSTATE: 22012",
      });
      await client.close();
    } finally {
      await server.close();
    }
  });
});
