/**
 * Cancelling a running statement with the stock driver: `operation.cancel()` sends
 * CancelOperation, the stand-in aborts the backend's signal (which interrupts DuckDB), and the
 * driver's concurrent `fetchAll()` (polling GetOperationStatus) sees CANCELED_STATE and throws
 * OperationStateError with errorCode "CANCELED".
 */
import { thrift } from "@databricks/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedExecution } from "./duckdb-test-backend.js";
import { type DuckDbStandIn, startDuckDbStandIn } from "./stand-in-fixture.js";
import { connectStockClient } from "./stock-driver-client.js";

const { TOperationState } = thrift.TCLIService_types;

/**
 * Hashes 10^10 rows: far longer than a test waits, yet bounded, so a statement whose interrupt
 * were lost would still end instead of holding a core for hours.
 */
const LONG_RUNNING_SQL = "SELECT sum(hash(i)) AS h FROM range(10000000000) t(i)";

let standIn: DuckDbStandIn;

beforeAll(async () => {
  standIn = await startDuckDbStandIn();
});

afterAll(async () => {
  await standIn.close();
});

async function waitForExecution(count: number): Promise<RecordedExecution> {
  for (let waited = 0; standIn.backend.executions.length < count; waited += 10) {
    if (waited > 5000) throw new Error("the backend never received the statement");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return standIn.backend.executions[count - 1] as RecordedExecution;
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

describe("cancel", () => {
  it("cancels a running statement: the backend's signal fires and the client sees CANCELED", async () => {
    const client = await connectStockClient(standIn.server);
    const session = await client.openSession();
    const executionNumber = standIn.backend.executions.length + 1;
    const operation = await session.executeStatement(LONG_RUNNING_SQL);
    const execution = await waitForExecution(executionNumber);
    const fetched = operation.fetchAll().then(
      () => undefined,
      (error: unknown) => error,
    );

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await operation.status()).operationState).toBe(TOperationState.RUNNING_STATE);
    expect(execution.signal.aborted).toBe(false);

    await operation.cancel();

    expect(execution.signal.aborted).toBe(true);
    expect(await fetched).toMatchObject({
      errorCode: "CANCELED",
      message: "The operation was canceled by a client",
      response: { operationState: TOperationState.CANCELED_STATE },
    });
    // DuckDB was interrupted, not left running.
    expect(await settlesWithin(execution.done, 5000)).toBe(true);
    await client.close();
  });

  it("aborts running statements when their session is closed", async () => {
    const client = await connectStockClient(standIn.server);
    const session = await client.openSession();
    const executionNumber = standIn.backend.executions.length + 1;
    await session.executeStatement(LONG_RUNNING_SQL);
    const execution = await waitForExecution(executionNumber);

    await session.close();

    expect(execution.signal.aborted).toBe(true);
    expect(await settlesWithin(execution.done, 5000)).toBe(true);
    await client.close();
  });
});
