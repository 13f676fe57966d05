/**
 * `modelsql serve` on loopback: invocation latency for one row, throughput for batches of 100
 * rows, and health-check latency while a million-row statement runs, each against a baseline
 * measured in the same script.
 *
 *   npm run bench:server                         # 2000 sequential requests per latency figure
 *   npm run bench:server -- --requests 300 --seconds 3 --copies 15
 *
 * The server is the real CLI (`modelsql serve`, one statement worker and the default invocation
 * workers) over the example workspace, started as a child process; requests come from this
 * process over loopback. Latency: sequential requests, one at a time (fetch, timed with
 * performance.now), after a warm-up. Throughput: autocannon with 4 connections for --seconds.
 * The rows are the Telco customers as the model's inputs (dataframe_records). Baselines: the
 * server's /health (the HTTP floor of the same server) and ONNX Runtime run directly in this
 * process on the same rows (the model's floor). The long statement scores the customers
 * `--copies` times over (142 copies: 1,000,106 rows) through the statements API.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { parse } from "csv-parse/sync";
import type { Tensor } from "onnxruntime-node";
import { buildExampleWorkspace, PACKAGE_ROOT } from "../src/example-workspace.js";
import { columnTensor } from "../src/models/column-tensor.js";
import { OnnxModel } from "../src/models/onnx-model.js";
import { columnFromText } from "../src/models/text-column.js";
import { openWorkspace } from "../src/workspace.js";
import { latencies, option, percentile } from "./bench-options.js";

const requests = option("requests", 2000);
const seconds = option("seconds", 10);
const copies = option("copies", 142);

type Row = Record<string, string>;

function record(row: Row): Record<string, unknown> {
  const numbers = new Set(["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]);
  return Object.fromEntries(
    Object.entries(row)
      .filter(([column]) => column !== "customerID" && column !== "Churn")
      .map(([column, text]) => [
        column,
        numbers.has(column) ? (text.trim() === "" ? null : Number(text)) : text,
      ]),
  );
}

async function startServer(directory: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [path.join(PACKAGE_ROOT, "bin/modelsql.js"), "--workspace", directory, "serve", "--port", "0"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving .* at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1] as string);
    });
    child.once("exit", (code) => reject(new Error(`modelsql serve exited (${code})`)));
  });
  return { url, child };
}

async function main(): Promise<void> {
  const parent = mkdtempSync(path.join(tmpdir(), "modelsql-bench-server-"));
  let server: ChildProcess | undefined;
  try {
    const directory = path.join(parent, "workspace");
    await buildExampleWorkspace(directory, { owner: "admin" });
    const workspace = openWorkspace(directory);
    const analyst = workspace.tokens.create("analyst", { createdBy: "admin" }).token;
    const admin = workspace.tokens.create("admin", { createdBy: "admin" }).token;
    const champion = await workspace.registry.getVersionByAlias("main.ml.churn", "champion");
    workspace.close();
    const customers = parse(readFileSync(path.join(PACKAGE_ROOT, "examples/data/telco_churn.csv"), "utf8"), {
      columns: true,
    }) as Row[];

    // The model's floor: ONNX Runtime in this process, one row and batches of 100.
    const model = OnnxModel.load(path.join(champion.artifactDirectory, champion.onnxFile), {
      intraOpThreads: 1,
    });
    const feedsOf = (rows: readonly Row[]) => {
      const feeds: Record<string, Tensor> = {};
      for (const input of model.modelInterface.inputs) {
        const values = columnFromText(
          input,
          rows.map((row) => row[input.name] ?? ""),
          { required: true, firstRowNumber: 1, source: "bench" },
        );
        feeds[input.name] = columnTensor(input, values);
      }
      return feeds;
    };
    const oneRow = feedsOf(customers.slice(0, 1));
    const ortOne = await latencies(requests, async () => {
      model.run(oneRow, ["probabilities"]);
    });
    const batch = feedsOf(customers.slice(0, 100));
    const ortBatchMs = await latencies(Math.max(50, requests / 10), async () => {
      model.run(batch, ["probabilities"]);
    });
    const ortBatchRowsPerSecond = 100 / (percentile(ortBatchMs, 0.5) / 1000);

    const started = await startServer(directory);
    server = started.child;
    const url = started.url;
    const endpoint = `${url}/serving-endpoints/modelsql-main-ml-predict_churn/invocations`;
    const headers = { authorization: `Bearer ${analyst}`, "content-type": "application/json" };
    const oneBody = JSON.stringify({ dataframe_records: [record(customers[0] as Row)] });
    const batchBody = JSON.stringify({ dataframe_records: customers.slice(0, 100).map(record) });
    const post = (body: string) => async () => {
      const response = await fetch(endpoint, { method: "POST", headers, body });
      if (response.status !== 200)
        throw new Error(`invocation answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    };
    const health = async () => {
      const response = await fetch(`${url}/health`);
      if (response.status !== 200) throw new Error(`health answered ${response.status}`);
      await response.arrayBuffer();
    };

    const healthIdle = await latencies(requests, health);
    const invokeOne = await latencies(requests, post(oneBody));
    const invokeBatch = await latencies(Math.max(100, requests / 10), post(batchBody));
    const cannon = (body: string) =>
      autocannon({ url: endpoint, method: "POST", headers, body, connections: 4, duration: seconds });
    const oneThroughput = await cannon(oneBody);
    const batchThroughput = await cannon(batchBody);
    for (const result of [oneThroughput, batchThroughput]) {
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`autocannon saw ${result.non2xx} non-2xx answers and ${result.errors} errors`);
    }

    // Health while a million-row statement scores in the statement worker.
    const statementStart = performance.now();
    const submitted = (await (
      await fetch(`${url}/api/2.0/sql/statements`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify({
          statement: `SELECT count(*) AS n, avg(predict_churn(features)) AS p FROM main.sales.customer_features, range(${copies})`,
          wait_timeout: "0s",
        }),
      })
    ).json()) as { statement_id: string };
    const healthBusy: number[] = [];
    let state = "RUNNING";
    let scoredRows = 0;
    while (state === "RUNNING" || state === "PENDING") {
      healthBusy.push(...(await latencies(20, health, 0)));
      const polled = (await (
        await fetch(`${url}/api/2.0/sql/statements/${submitted.statement_id}`, {
          headers: { authorization: `Bearer ${admin}` },
        })
      ).json()) as { status: { state: string }; result?: { data_array: string[][] } };
      state = polled.status.state;
      if (polled.result) scoredRows = Number(polled.result.data_array[0]?.[0]);
    }
    const statementSeconds = (performance.now() - statementStart) / 1000;
    if (state !== "SUCCEEDED") throw new Error(`the long statement ended ${state}`);

    const ms = (value: number) => `${value.toFixed(2)} ms`;
    const lines = [
      `modelsql serve on loopback; ${requests} sequential requests per latency figure; autocannon 4 connections for ${seconds} s; model: main.ml.churn version ${champion.version} (gradient-boosted trees)`,
      "",
      "| figure | p50 | p99 | baseline p50 | ratio (p50) |",
      "|---|---|---|---|---|",
      `| invocation, 1 row | ${ms(percentile(invokeOne, 0.5))} | ${ms(percentile(invokeOne, 0.99))} | /health ${ms(percentile(healthIdle, 0.5))} | ${(percentile(invokeOne, 0.5) / percentile(healthIdle, 0.5)).toFixed(1)}x |`,
      `| invocation, 1 row | | | ORT direct ${ms(percentile(ortOne, 0.5))} | ${(percentile(invokeOne, 0.5) / percentile(ortOne, 0.5)).toFixed(1)}x |`,
      `| invocation, 100 rows | ${ms(percentile(invokeBatch, 0.5))} | ${ms(percentile(invokeBatch, 0.99))} | ORT direct ${ms(percentile(ortBatchMs, 0.5))} | ${(percentile(invokeBatch, 0.5) / percentile(ortBatchMs, 0.5)).toFixed(1)}x |`,
      `| /health, idle | ${ms(percentile(healthIdle, 0.5))} | ${ms(percentile(healthIdle, 0.99))} | | |`,
      `| /health while ${scoredRows.toLocaleString("en-US")} rows score (${statementSeconds.toFixed(1)} s, ${healthBusy.length} checks) | ${ms(percentile(healthBusy, 0.5))} | ${ms(percentile(healthBusy, 0.99))} | idle ${ms(percentile(healthIdle, 0.5))} | ${(percentile(healthBusy, 0.5) / percentile(healthIdle, 0.5)).toFixed(1)}x (p99 ${(percentile(healthBusy, 0.99) / percentile(healthIdle, 0.99)).toFixed(1)}x) |`,
      "",
      "| throughput (autocannon, 4 connections) | requests/s | rows/s | baseline | ratio |",
      "|---|---|---|---|---|",
      `| invocations of 1 row | ${oneThroughput.requests.average.toFixed(0)} | ${oneThroughput.requests.average.toFixed(0)} | | |`,
      `| invocations of 100 rows | ${batchThroughput.requests.average.toFixed(0)} | ${(batchThroughput.requests.average * 100).toFixed(0)} | ORT direct, batches of 100, 1 thread: ${ortBatchRowsPerSecond.toFixed(0)} rows/s | ${((batchThroughput.requests.average * 100) / ortBatchRowsPerSecond).toFixed(2)}x |`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(parent, { recursive: true, force: true });
  }
}

await main();
