/**
 * `modelsql serve` on loopback: invocation latency for one row, throughput for batches of 100
 * rows, and health-check latency while a million-row statement runs, each against a baseline
 * measured in the same script.
 *
 *   npm run bench:server                         # 2000 sequential requests per latency figure
 *   npm run bench:server -- --requests 300 --seconds 3 --copies 15
 *   npm run bench:server -- --mlflow --json out.json   # also `mlflow models serve` on the same model
 *
 * The server is the real CLI (`modelsql serve`, one statement worker and the default invocation
 * workers) over the example workspace, started as a child process; requests come from this
 * process over loopback. Latency: sequential requests, one at a time (fetch, timed with
 * performance.now), after a warm-up. Throughput: autocannon with 4 connections for --seconds.
 * The rows are the Telco customers as the model's inputs (dataframe_records). Baselines: the
 * server's /health (the HTTP floor of the same server) and ONNX Runtime run directly in this
 * process on the same rows (the model's floor). The long statement scores the customers
 * `--copies` times over (142 copies: 1,000,106 rows) through the statements API.
 *
 * With --mlflow, `mlflow models serve` (pinned in bench/peers/requirements.txt, one worker, the
 * same MLflow model directory modelsql registered as the champion) answers the same requests,
 * measured the same way, one server at a time.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
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
import { latencies, option, percentile, writeJsonResult } from "./bench-options.js";

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

interface Latency {
  readonly p50: number;
  readonly p99: number;
}

interface ServingFigures {
  readonly oneRow: Latency;
  readonly hundredRows: Latency;
  /** autocannon, 4 connections: requests per second. */
  readonly oneRowRequestsPerSecond: number;
  readonly hundredRowRequestsPerSecond: number;
}

const latency = (times: readonly number[]): Latency => ({
  p50: percentile(times, 0.5),
  p99: percentile(times, 0.99),
});

/** One server's invocation figures, measured the same way for every server. */
async function measureServing(
  endpoint: string,
  headers: Record<string, string>,
  oneBody: string,
  batchBody: string,
): Promise<ServingFigures> {
  const post = (body: string) => async () => {
    const response = await fetch(endpoint, { method: "POST", headers, body });
    if (response.status !== 200)
      throw new Error(`${endpoint} answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  const oneRow = latency(await latencies(requests, post(oneBody)));
  const hundredRows = latency(await latencies(Math.max(100, requests / 10), post(batchBody)));
  const cannon = async (body: string) => {
    const result = await autocannon({
      url: endpoint,
      method: "POST",
      headers,
      body,
      connections: 4,
      duration: seconds,
    });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(
        `autocannon saw ${result.non2xx} non-2xx answers and ${result.errors} errors from ${endpoint}`,
      );
    return result.requests.average;
  };
  return {
    oneRow,
    hundredRows,
    oneRowRequestsPerSecond: await cannon(oneBody),
    hundredRowRequestsPerSecond: await cannon(batchBody),
  };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `mlflow models serve` on the champion's ONNX graph, from the peers' virtual environment, as
 * bench/peers/peer_models.py saves it for MLflow (1-D outputs; it says why).
 */
async function startMlflow(scratch: string): Promise<{ url: string; child: ChildProcess }> {
  const venv = execFileSync("bash", [path.join(PACKAGE_ROOT, "bench/peers/ensure-venv.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  execFileSync(
    path.join(venv, "bin/python"),
    [path.join(PACKAGE_ROOT, "bench/peers/peer_models.py"), "--output", scratch],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const modelDirectory = path.join(scratch, "churn_gbt");
  const port = await freePort();
  const child = spawn(
    path.join(venv, "bin/mlflow"),
    [
      "models",
      "serve",
      "-m",
      modelDirectory,
      "--env-manager",
      "local",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--workers",
      "1",
    ],
    {
      stdio: ["ignore", "ignore", "ignore"],
      // MLflow starts uvicorn by name: the venv's bin goes first on PATH.
      env: {
        ...process.env,
        PATH: `${path.join(venv, "bin")}:${process.env.PATH}`,
        MLFLOW_DISABLE_TELEMETRY: "true",
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`mlflow models serve exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/ping`)).status === 200) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop(child);
  throw new Error("mlflow models serve did not answer /ping within 150 s");
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
    const ortOne = latency(await latencies(requests, async () => model.run(oneRow, ["probabilities"])));
    const batch = feedsOf(customers.slice(0, 100));
    const ortBatch = latency(
      await latencies(Math.max(50, requests / 10), async () => model.run(batch, ["probabilities"])),
    );

    const oneBody = JSON.stringify({ dataframe_records: [record(customers[0] as Row)] });
    const batchBody = JSON.stringify({ dataframe_records: customers.slice(0, 100).map(record) });

    const started = await startServer(directory);
    server = started.child;
    const url = started.url;
    const health = async () => {
      const response = await fetch(`${url}/health`);
      if (response.status !== 200) throw new Error(`health answered ${response.status}`);
      await response.arrayBuffer();
    };
    const healthIdle = latency(await latencies(requests, health));
    const modelsql = await measureServing(
      `${url}/serving-endpoints/modelsql-main-ml-predict_churn/invocations`,
      { authorization: `Bearer ${analyst}`, "content-type": "application/json" },
      oneBody,
      batchBody,
    );

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
    const busyTimes: number[] = [];
    let state = "PENDING";
    let scoredRows = 0;
    while (state === "RUNNING" || state === "PENDING") {
      busyTimes.push(...(await latencies(20, health, 0)));
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
    const healthBusy = latency(busyTimes);
    await stop(server);
    server = undefined;

    let mlflow: ServingFigures | undefined;
    if (process.argv.includes("--mlflow")) {
      const peer = await startMlflow(path.join(parent, "mlflow-models"));
      server = peer.child;
      mlflow = await measureServing(
        `${peer.url}/invocations`,
        { "content-type": "application/json" },
        oneBody,
        batchBody,
      );
      await stop(server);
      server = undefined;
    }

    const ms = (value: number) => `${value.toFixed(2)} ms`;
    const lines = [
      `modelsql serve on loopback; ${requests} sequential requests per latency figure; autocannon 4 connections for ${seconds} s; model: main.ml.churn version ${champion.version} (gradient-boosted trees)`,
      "",
      "| figure | p50 | p99 | baseline p50 | ratio (p50) |",
      "|---|---|---|---|---|",
      `| modelsql invocation, 1 row | ${ms(modelsql.oneRow.p50)} | ${ms(modelsql.oneRow.p99)} | /health ${ms(healthIdle.p50)}; ORT direct ${ms(ortOne.p50)} | ${(modelsql.oneRow.p50 / healthIdle.p50).toFixed(1)}x; ${(modelsql.oneRow.p50 / ortOne.p50).toFixed(0)}x |`,
      `| modelsql invocation, 100 rows | ${ms(modelsql.hundredRows.p50)} | ${ms(modelsql.hundredRows.p99)} | ORT direct ${ms(ortBatch.p50)} | ${(modelsql.hundredRows.p50 / ortBatch.p50).toFixed(1)}x |`,
      ...(mlflow
        ? [
            `| mlflow models serve, 1 row | ${ms(mlflow.oneRow.p50)} | ${ms(mlflow.oneRow.p99)} | modelsql ${ms(modelsql.oneRow.p50)} | modelsql ${(modelsql.oneRow.p50 / mlflow.oneRow.p50).toFixed(2)}x |`,
            `| mlflow models serve, 100 rows | ${ms(mlflow.hundredRows.p50)} | ${ms(mlflow.hundredRows.p99)} | modelsql ${ms(modelsql.hundredRows.p50)} | modelsql ${(modelsql.hundredRows.p50 / mlflow.hundredRows.p50).toFixed(2)}x |`,
          ]
        : []),
      `| /health, idle | ${ms(healthIdle.p50)} | ${ms(healthIdle.p99)} | | |`,
      `| /health while ${scoredRows.toLocaleString("en-US")} rows score (${statementSeconds.toFixed(1)} s, ${busyTimes.length} checks) | ${ms(healthBusy.p50)} | ${ms(healthBusy.p99)} | idle ${ms(healthIdle.p50)} | ${(healthBusy.p50 / healthIdle.p50).toFixed(1)}x (p99 ${(healthBusy.p99 / healthIdle.p99).toFixed(1)}x) |`,
      "",
      "| throughput (autocannon, 4 connections) | requests/s | rows/s | baseline | ratio |",
      "|---|---|---|---|---|",
      `| modelsql, 1 row per request | ${modelsql.oneRowRequestsPerSecond.toFixed(0)} | ${modelsql.oneRowRequestsPerSecond.toFixed(0)} | ${mlflow ? `mlflow ${mlflow.oneRowRequestsPerSecond.toFixed(0)}` : ""} | ${mlflow ? `${(modelsql.oneRowRequestsPerSecond / mlflow.oneRowRequestsPerSecond).toFixed(2)}x` : ""} |`,
      `| modelsql, 100 rows per request | ${modelsql.hundredRowRequestsPerSecond.toFixed(0)} | ${(modelsql.hundredRowRequestsPerSecond * 100).toFixed(0)} | ${mlflow ? `mlflow ${(mlflow.hundredRowRequestsPerSecond * 100).toFixed(0)} rows/s` : `ORT direct, batches of 100, 1 thread: ${(100000 / ortBatch.p50).toFixed(0)} rows/s`} | ${mlflow ? `${(modelsql.hundredRowRequestsPerSecond / mlflow.hundredRowRequestsPerSecond).toFixed(2)}x` : `${((modelsql.hundredRowRequestsPerSecond * 100) / (100000 / ortBatch.p50)).toFixed(2)}x`} |`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    writeJsonResult({
      requests,
      seconds,
      modelVersion: champion.version,
      ortOne,
      ortBatch,
      healthIdle,
      healthBusy,
      busyStatement: { rows: scoredRows, seconds: statementSeconds },
      modelsql,
      mlflow: mlflow ?? null,
    });
  } finally {
    await stop(server);
    rmSync(parent, { recursive: true, force: true });
  }
}

await main();
