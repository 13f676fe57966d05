import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import { goldenPredictions, REPOSITORY_ROOT } from "../helpers/example-data.js";
import { CLI, runCli } from "../helpers/run-cli.js";

let parent: string;
let workspace: string;
let outputs: string;
const gbt = new Map(goldenPredictions().map((row) => [row.customerID, row.churn_gbt_probability]));

beforeAll(async () => {
  parent = mkdtempSync(path.join(tmpdir(), "modelsql-score-"));
  workspace = path.join(parent, "workspace");
  outputs = path.join(parent, "out");
  mkdirSync(outputs);
  expect((await runCli(workspace, ["demo"])).code).toBe(0);
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  const result = await runCli(workspace, [
    "--format",
    "json",
    "query",
    `SELECT * FROM read_parquet('${file}')`,
  ]);
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

it("writes all 7043 predictions to Parquet beside the kept columns and the model version, with progress", async () => {
  const file = path.join(outputs, "scores.parquet");
  const result = await runCli(workspace, [
    "score",
    "main.ml.predict_churn",
    "--input",
    "main.sales.customer_features",
    "--output",
    file,
  ]);
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(/Scoring main\.ml\.predict_churn: 100% {2}7,043\/7,043 rows/);
  expect(result.stderr).toMatch(/Wrote 7,043 predictions of main\.ml\.predict_churn \(model version 2\)/);
  const rows = await readParquet(file);
  expect(rows).toHaveLength(7043);
  expect(Object.keys(rows[0] as object)).toEqual(["customer_id", "prediction", "model_version"]);
  expect(rows.every((row) => row.model_version === 2)).toBe(true);
  const largest = Math.max(
    ...rows.map((row) =>
      Math.abs((row.prediction as number) - (gbt.get(row.customer_id as string) as number)),
    ),
  );
  expect(largest).toBeLessThan(1e-5);
});

it("scores the raw Telco CSV (columns named as the model's inputs) into CSV, keeping the columns asked for", async () => {
  const file = path.join(outputs, "scores.csv");
  const result = await runCli(workspace, [
    "score",
    "predict_churn",
    "--input",
    path.join(REPOSITORY_ROOT, "examples/data/telco_churn.csv"),
    "--output",
    file,
    "--columns",
    "customerID,Churn",
  ]);
  expect(result.code).toBe(0);
  const shown = await runCli(workspace, [
    "--format",
    "csv",
    "query",
    `SELECT * FROM read_csv('${file}', all_varchar = true)`,
  ]);
  const rows = parse(shown.stdout, { columns: true }) as {
    customerID: string;
    Churn: string;
    prediction: string;
  }[];
  expect(rows).toHaveLength(7043);
  expect(Object.keys(rows[0] as object)).toEqual(["customerID", "Churn", "prediction", "model_version"]);
  const largest = Math.max(
    ...rows.map((row) => Math.abs(Number(row.prediction) - (gbt.get(row.customerID) as number))),
  );
  expect(largest).toBeLessThan(1e-5);
});

it("scores into a new table, and refuses to overwrite an existing output without --overwrite", async () => {
  const first = await runCli(workspace, [
    "score",
    "predict_churn",
    "--input",
    "main.sales.customers",
    "--output",
    "main.sales.customer_scores",
  ]);
  expect(first.code).toBe(0);
  const count = await runCli(workspace, [
    "--format",
    "csv",
    "query",
    "SELECT count(*) AS n, min(model_version) AS v FROM main.sales.customer_scores",
  ]);
  expect(count.stdout).toBe("n,v\n7043,2\n");
  const again = await runCli(workspace, [
    "score",
    "predict_churn",
    "--input",
    "main.sales.customers",
    "--output",
    path.join(outputs, "scores.parquet"),
  ]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("exists");
});

it.each(["SIGINT", "SIGHUP"] as const)(
  "a run stopped by %s exits 130 and leaves no output file, partial or whole",
  async (signal) => {
    const made = await runCli(workspace, [
      "query",
      "CREATE OR REPLACE TABLE main.sales.many AS SELECT c.* FROM customer_features c, range(150)",
    ]);
    expect(made.code).toBe(0);
    const directory = path.join(outputs, `interrupted-${signal}`);
    mkdirSync(directory);
    const file = path.join(directory, "many.parquet");
    const child = spawn(process.execPath, [
      CLI,
      "--workspace",
      workspace,
      "score",
      "predict_churn",
      "--input",
      "main.sales.many",
      "--output",
      file,
    ]);
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const closed = once(child, "close");
    // A million rows take seconds; interrupt once scoring has surely begun.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    child.kill(signal);
    const [code] = (await closed) as [number];
    expect(code).toBe(130);
    expect(stderr).toContain("[OPERATION_CANCELLED] Scoring was interrupted; no output was written.");
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(directory)).toEqual([]);
  },
);
