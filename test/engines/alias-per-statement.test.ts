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
