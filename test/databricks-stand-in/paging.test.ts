/**
 * Large results: the stock driver pages through them with FetchResults (100,000 rows per request
 * by default), and the stand-in pulls backend batches only as pages need them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DuckDbStandIn, startDuckDbStandIn } from "./stand-in-fixture.js";
import { connectStockClient } from "./stock-driver-client.js";

let standIn: DuckDbStandIn;

beforeAll(async () => {
  standIn = await startDuckDbStandIn();
});

afterAll(async () => {
  await standIn.close();
});

const ROWS = 250_000;

describe("paging large results", () => {
  it(`fetches all ${ROWS} rows over several FetchResults pages`, async () => {
    const client = await connectStockClient(standIn.server);
    const session = await client.openSession();
    const fetchesBefore = standIn.server.calls("FetchResults");

    const operation = await session.executeStatement(
      `SELECT i AS id, i * 2 AS twice, 'row ' || i AS label FROM range(${ROWS}) t(i)`,
    );
    const rows = (await operation.fetchAll()) as { id: number; twice: number; label: string }[];

    expect(rows).toHaveLength(ROWS);
    let sum = 0;
    let inconsistentRows = 0;
    const ids = new Set<number>();
    for (const row of rows) {
      sum += row.id;
      ids.add(row.id);
      if (row.twice !== row.id * 2 || row.label !== `row ${row.id}`) inconsistentRows += 1;
    }
    expect(inconsistentRows).toBe(0);
    // 0 + 1 + ... + (ROWS - 1), computed without the stand-in.
    expect(sum).toBe((ROWS * (ROWS - 1)) / 2);
    expect(ids.size).toBe(ROWS);
    // 100,000-row pages: three with rows, then one empty page. The driver asks again after any
    // non-empty page, even one answered with hasMoreRows=false (RowSetProvider).
    expect(standIn.server.calls("FetchResults") - fetchesBefore).toBe(4);

    await operation.close();
    await session.close();
    await client.close();
  });

  it("pulls backend batches only as pages are requested", async () => {
    const client = await connectStockClient(standIn.server);
    const session = await client.openSession();
    const operation = await session.executeStatement(`SELECT i FROM range(${ROWS}) t(i)`);

    const first = await operation.fetchChunk({ maxRows: 5000 });
    expect(first).toHaveLength(5000);
    const execution = standIn.backend.executions.at(-1);
    // DuckDB chunks hold 2,048 rows: 5,000 rows need 3 chunks, plus one chunk of look-ahead,
    // against 123 chunks for the whole result.
    expect(execution?.batchesYielded).toBeLessThanOrEqual(4);

    await operation.close();
    await session.close();
    await client.close();
  });
});
