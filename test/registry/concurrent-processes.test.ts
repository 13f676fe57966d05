import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Workspace } from "../../src/workspace.js";
import { LOGISTIC_REGRESSION_DIRECTORY, REPOSITORY_ROOT } from "../helpers/example-data.js";
import { runCli, runNode } from "../helpers/run-cli.js";
import { temporaryWorkspace } from "../helpers/temporary-workspace.js";

const REGISTER_VERSIONS = path.join(REPOSITORY_ROOT, "test/fixtures/register-versions.mjs");

let workspace: Workspace;
let directory: string;
let cleanup: () => void;

beforeEach(() => {
  ({ workspace, directory, cleanup } = temporaryWorkspace());
});
afterEach(() => cleanup());

describe("several processes share one workspace", () => {
  it("two processes registering versions at the same moment get distinct consecutive versions", async () => {
    const perProcess = 8;
    const startAt = Date.now() + 1500; // both processes loaded and waiting by then
    const writers = ["alpha", "beta"];
    const finished = await Promise.all(
      writers.map((writer) =>
        runNode([
          REGISTER_VERSIONS,
          directory,
          writer,
          String(perProcess),
          String(startAt),
          LOGISTIC_REGRESSION_DIRECTORY,
        ]),
      ),
    );
    for (const run of finished) expect(run.stderr).toBe("");
    const claimed = finished.flatMap((run) => JSON.parse(run.stdout) as number[]);
    expect([...claimed].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 2 * perProcess }, (_, index) => index + 1),
    );

    const versions = await workspace.registry.listVersions("main.ml.churn");
    expect(versions.map((version) => version.version)).toEqual(claimed.sort((a, b) => a - b));
    for (const writer of writers) {
      const mine = versions.filter((version) => version.tags.writer === writer);
      expect(mine.map((version) => version.tags.index)).toEqual(
        Array.from({ length: perProcess }, (_, index) => String(index)),
      );
      expect(mine.every((version) => version.createdBy === writer)).toBe(true);
    }
    // Interleaving shows the two really ran at once rather than one after the other.
    const order = versions.map((version) => version.tags.writer).join(",");
    expect(order).not.toBe([...Array(perProcess).fill("alpha"), ...Array(perProcess).fill("beta")].join(","));
    expect(order).not.toBe([...Array(perProcess).fill("beta"), ...Array(perProcess).fill("alpha")].join(","));
  });

  it("an open workspace sees another process's alias move and stage change on its next read", async () => {
    await workspace.registry.registerVersion({
      name: "main.ml.churn",
      path: LOGISTIC_REGRESSION_DIRECTORY,
      principal: "admin",
    });
    await workspace.registry.registerVersion({
      name: "main.ml.churn",
      path: LOGISTIC_REGRESSION_DIRECTORY,
      principal: "admin",
    });
    await workspace.registry.setAlias("main.ml.churn", "champion", 1);
    expect((await workspace.registry.getVersionByAlias("main.ml.churn", "champion")).version).toBe(1);

    const moved = await runCli(directory, ["models", "alias", "set", "main.ml.churn", "champion", "2"]);
    expect(moved.code).toBe(0);
    const staged = await runCli(directory, ["models", "stage", "main.ml.churn", "2", "production"]);
    expect(staged.code).toBe(0);

    expect((await workspace.registry.getVersionByAlias("main.ml.churn", "champion")).version).toBe(2);
    expect((await workspace.registry.getLatestVersion("main.ml.churn", "Production")).version).toBe(2);
  });
});
