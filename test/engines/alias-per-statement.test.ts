import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "../helpers/example-data.js";
import { addFunction, type ExampleSession, exampleSession } from "../helpers/example-session.js";

let example: ExampleSession;

beforeAll(async () => {
  example = await exampleSession();
  await addFunction(example.workspace, { name: "main.ml.champion_details", returns: { kind: "struct" } });
});
afterAll(() => example?.cleanup());

async function versionsUsed(sql: string): Promise<Record<number, number>> {
  const rows = await example.session.queryRows(sql);
  return Object.fromEntries(rows.map((row) => [Number(row.version), Number(row.n)]));
}

it("a moved alias takes effect on the next statement of a running session, without a restart", async () => {
  const sql =
    "SELECT d.version AS version, count(*) AS n FROM (SELECT champion_details(features) AS d FROM customer_features) GROUP BY ALL";
  expect(await versionsUsed(sql)).toEqual({ 2: 7043 });
  await example.workspace.registry.setAlias("main.ml.churn", "champion", 1);
  expect(await versionsUsed(sql)).toEqual({ 1: 7043 });
  await example.workspace.registry.setAlias("main.ml.churn", "champion", 2);
  expect(await versionsUsed(sql)).toEqual({ 2: 7043 });
  // Each version was loaded once and then shared by the statements that used it.
  expect(example.session.loadedModelCount).toBe(2);
});

it("an alias moved by another process while a statement runs does not mix versions inside it", async () => {
  await example.workspace.registry.setAlias("main.ml.churn", "champion", 2);
  const mover = spawn(process.execPath, [
    path.join(REPOSITORY_ROOT, "test/fixtures/move-alias.mjs"),
    example.directory,
    "main.ml.churn",
    "champion",
    "1",
    "300",
  ]);
  let movedAt = "";
  mover.stdout.on("data", (chunk) => {
    movedAt += chunk;
  });
  // Listen before the statement: the child may end while the statement's result is read.
  const moverClosed = once(mover, "close");
  await once(mover, "spawn");
  const started = Date.now();
  // About 700,000 rows through the tree model: seconds, long past the move.
  const during = await versionsUsed(
    "SELECT d.version AS version, count(*) AS n FROM (SELECT champion_details(features) AS d FROM customer_features, range(100)) GROUP BY ALL",
  );
  const finished = Date.now();
  const [code] = (await moverClosed) as [number];
  expect(code).toBe(0);
  // The move really happened while the statement was running, so the check below means something.
  expect(Number(movedAt)).toBeGreaterThan(started);
  expect(Number(movedAt)).toBeLessThan(finished);
  expect(during).toEqual({ 2: 7043 * 100 });
  expect(
    await versionsUsed(
      "SELECT d.version AS version, count(*) AS n FROM (SELECT champion_details(features) AS d FROM customer_features) GROUP BY ALL",
    ),
  ).toEqual({ 1: 7043 });
});

it("a function whose alias is gone fails the statements that call it, with the reason, and no others", async () => {
  await example.workspace.registry.setAlias("main.ml.churn", "challenger", 1);
  expect(await example.workspace.registry.deleteAlias("main.ml.churn", "challenger")).toBe(true);
  const failure = await example.session
    .queryRows("SELECT predict_churn_details(features) FROM customer_features")
    .then(
      () => undefined,
      (error: unknown) => error as Error,
    );
  expect(failure?.message).toMatch(/^\[MODEL_VERSION_NOT_FOUND\]/);
  expect(failure?.message).toContain("challenger");
  const other = await example.session.queryRows(
    "SELECT count(predict_churn(features)) AS n FROM customer_features",
  );
  expect(Number(other[0]?.n)).toBe(7043);
  await example.workspace.registry.setAlias("main.ml.churn", "challenger", 1);
  const restored = await example.session.queryRows(
    "SELECT count(predict_churn_details(features)) AS n FROM customer_features",
  );
  expect(Number(restored[0]?.n)).toBe(7043);
});

it("a session opened while an alias is missing fails only its calls, then scores once the alias is set", async () => {
  expect(await example.workspace.registry.deleteAlias("main.ml.churn", "challenger")).toBe(true);
  const fresh = await example.openSession();
  await expect(
    fresh.queryRows("SELECT predict_churn_details(features) FROM customer_features"),
  ).rejects.toThrow(/^\[MODEL_VERSION_NOT_FOUND\]/);
  expect(
    Number(
      (await fresh.queryRows("SELECT count(predict_churn(features)) AS n FROM customer_features"))[0]?.n,
    ),
  ).toBe(7043);
  await example.workspace.registry.setAlias("main.ml.churn", "challenger", 2);
  const rows = await fresh.queryRows(
    "SELECT d.version AS version, count(*) AS n FROM (SELECT predict_churn_details(features) AS d FROM customer_features) GROUP BY ALL",
  );
  expect(rows.map((row) => [Number(row.version), Number(row.n)])).toEqual([[2, 7043]]);
});
