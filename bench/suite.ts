/**
 * The benchmark suite: modelsql against the physical limit and peer systems, on the same machine
 * in one run, written to bench/results.json and bench/RESULTS.md.
 *
 *   npm run bench:suite                                   # 1,000,000 rows; about 15 minutes on 2 cores
 *   npm run bench:suite -- --quick --output /tmp/bench    # a short run, for CI
 *
 * Rows: the 7043 Telco customers resampled with replacement (row i is customer hash(i) mod 7043),
 * the same rows for every system. It runs, one after another so they never compete for the cores:
 * - the limit and the ONNX UDF route (udf-throughput.ts): ONNX Runtime on the rows already in
 *   memory, batches of 2048 and 65,536, on the graph modelsql loads and on the graph as published,
 *   and `SELECT sum(fn(...))` through the UDF;
 * - the compiled-SQL route against the UDF route (compiled-route.ts);
 * - whole-table scoring to Parquet through the CLI, peak memory at N and 5N rows (score-memory.ts);
 * - planning overhead (planning-overhead.ts);
 * - serving, modelsql serve against mlflow models serve (server-latency.ts --mlflow);
 * - the peers (peers/peer_throughput.py): pandas + scikit-learn, DuckDB's Python client with an
 *   Arrow UDF, Spark with mlflow.pyfunc.spark_udf, from the pinned venv bench/peers creates.
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, release, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { PACKAGE_ROOT } from "../src/example-workspace.js";

const quick = process.argv.includes("--quick");
const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] as string) : fallback;
};
const rows = Number(argument("rows", quick ? "100000" : "1000000"));
const repeats = argument("repeats", quick ? "1" : "3");
const output = path.resolve(argument("output", path.join(PACKAGE_ROOT, "bench")));

const BENCH = path.join(PACKAGE_ROOT, "dist-bench/bench");
/** The Telco columns that are model inputs as text: all but the id, the label and the four numbers. */
function textColumns(csv: string): string[] {
  const header = (readFileSync(csv, "utf8").split("\n")[0] as string).trim().split(",");
  const other = new Set(["customerID", "Churn", "SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]);
  return header.filter((column) => !other.has(column));
}

/** Runs one benchmark script with --json and returns what it wrote. */
function runBench<T>(script: string, args: readonly string[], scratch: string): T {
  const file = path.join(scratch, `${path.basename(script, ".js")}.json`);
  process.stderr.write(`\n== ${script} ${args.join(" ")}\n`);
  execFileSync(process.execPath, [path.join(BENCH, script), ...args, "--json", file], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** The rows as a Parquet file of model inputs under the Telco column names, for the peers. */
async function writeRows(file: string): Promise<void> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const telcoCsv = path.join(PACKAGE_ROOT, "examples/data/telco_churn.csv");
  const csv = telcoCsv.replaceAll("'", "''");
  await connection.run(`COPY (
    WITH telco AS (SELECT *, row_number() OVER () - 1 AS n FROM read_csv('${csv}', header = true, all_varchar = true))
    SELECT ${textColumns(telcoCsv).join(", ")}, CAST(SeniorCitizen AS BIGINT) AS SeniorCitizen, CAST(tenure AS BIGINT) AS tenure,
           CAST(MonthlyCharges AS DOUBLE) AS MonthlyCharges, TRY_CAST(nullif(trim(TotalCharges), '') AS DOUBLE) AS TotalCharges
    FROM range(${rows}) AS r JOIN telco ON telco.n = hash(r.range) % 7043 ORDER BY r.range
  ) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
}

interface UdfResult {
  model: string;
  variant: string;
  rowsPerSecond: number;
}
interface CompiledResult {
  model: string;
  form: string;
  udfRowsPerSecond: number;
  compiledRowsPerSecond: number;
}
interface PeerResult {
  model: string;
  peer: string;
  rows_per_second: number;
  sum: number;
}
interface Latency {
  p50: number;
  p99: number;
}
interface Serving {
  oneRow: Latency;
  hundredRows: Latency;
  oneRowRequestsPerSecond: number;
  hundredRowRequestsPerSecond: number;
}

const rate = (value: number) => Math.round(value).toLocaleString("en-US");
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), "modelsql-bench-suite-"));
  try {
    const started = new Date();
    const parquet = path.join(scratch, "rows.parquet");
    await writeRows(parquet);
    const udf = runBench<{ threads: number; results: UdfResult[] }>(
      "udf-throughput.js",
      ["--rows", String(rows), "--repeats", repeats, ...(quick ? ["--row-at-a-time-rows", "2000"] : [])],
      scratch,
    );
    const compiled = runBench<{ results: CompiledResult[] }>(
      "compiled-route.js",
      ["--rows", String(rows), "--repeats", repeats],
      scratch,
    );
    const memory = runBench<{ results: { rows: number; peakMiB: number; seconds: number }[] }>(
      "score-memory.js",
      ["--small", String(rows), "--large", String(quick ? rows * 3 : rows * 5)],
      scratch,
    );
    const planning = runBench<{
      runs: number;
      results: { query: string; modelsql: Latency; duckdbPrepare: Latency }[];
    }>("planning-overhead.js", ["--runs", quick ? "100" : "1000"], scratch);
    const serving = runBench<{
      modelsql: Serving;
      mlflow: Serving;
      healthIdle: Latency;
      healthBusy: Latency;
      busyStatement: { rows: number; seconds: number };
    }>(
      "server-latency.js",
      ["--mlflow", ...(quick ? ["--requests", "200", "--seconds", "2", "--copies", "15"] : [])],
      scratch,
    );
    process.stderr.write("\n== peers\n");
    const venv = execFileSync("bash", [path.join(PACKAGE_ROOT, "bench/peers/ensure-venv.sh")], {
      encoding: "utf8",
    }).trim();
    const python = path.join(venv, "bin/python");
    const mlflowModels = path.join(scratch, "mlflow-models");
    execFileSync(python, [path.join(PACKAGE_ROOT, "bench/peers/peer_models.py"), "--output", mlflowModels], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const peers = JSON.parse(
      execFileSync(
        python,
        [
          path.join(PACKAGE_ROOT, "bench/peers/peer_throughput.py"),
          "--rows",
          parquet,
          "--repeats",
          repeats,
          "--threads",
          String(availableParallelism()),
          "--mlflow-models",
          mlflowModels,
        ],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
          env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: "true" },
          maxBuffer: 1 << 26,
        },
      ),
    ) as { rows: number; threads: number; results: PeerResult[] };

    const lines: string[] = [];
    const cpu = cpus()[0]?.model ?? "unknown CPU";
    lines.push(
      "# Benchmark results",
      "",
      `Run ${started.toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run bench:suite${quick ? " -- --quick" : ""}\` on ${availableParallelism()} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}.`,
      `Rows: ${rows.toLocaleString("en-US")}, resampled with replacement from the 7043 Telco customers (row i is customer hash(i) mod 7043); the same rows for every system. Medians of ${repeats} run(s); ONNX Runtime and the peers use ${udf.threads} threads, DuckDB its default (the cores).`,
      "",
      "## Throughput: `SELECT sum(predict_churn(...))` and its equivalents, rows per second",
      "",
      'The limit is ONNX Runtime called directly from Node on rows already in memory, one run per 2048 rows (DuckDB\'s chunk), on the graph modelsql loads: text inputs that only feed OneHotEncoders are loaded as int64 category codes, because onnxruntime-node converts every string of a string tensor on every run (src/models/category-codes-rewrite.ts). The row "graph as published" is the same call with string tensors, as a caller of onnxruntime-node would make it.',
      "",
      "| model | system | rows/s | vs the limit (ORT, batches of 2048) | modelsql's best route vs it |",
      "|---|---|---|---|---|",
    );
    const goals: string[] = [];
    for (const [version, model, label] of [
      [1, "churn_logreg", "logistic regression"],
      [2, "churn_gbt", "gradient-boosted trees"],
    ] as const) {
      const ofModel = udf.results.filter((result) => result.model.includes(`(v${version})`));
      const limit = ofModel.find((result) => result.variant === "raw ORT, batches of 2048")
        ?.rowsPerSecond as number;
      const large = ofModel.find((result) => result.variant.startsWith("raw ORT, batches of 65"))
        ?.rowsPerSecond as number;
      const published = ofModel.find((result) => result.variant.startsWith("raw ORT, graph as published"))
        ?.rowsPerSecond as number;
      const udfRoute = ofModel.find((result) => result.variant === "UDF, positional arguments")
        ?.rowsPerSecond as number;
      const compiledRoute = compiled.results.find(
        (result) => result.model === `churn_v${version}` && result.form === "positional",
      )?.compiledRowsPerSecond as number;
      const best = Math.max(udfRoute, compiledRoute);
      const row = (system: string, value: number) =>
        `| ${label} | ${system} | ${rate(value)} | ${(value / limit).toFixed(2)} | ${(best / value).toFixed(2)}x |`;
      lines.push(
        row("limit: ONNX Runtime, batches of 2048", limit),
        row("ONNX Runtime, batches of 65,536", large),
        row("ONNX Runtime, batches of 2048, graph as published (text as string tensors)", published),
      );
      lines.push(
        row("**modelsql, ONNX UDF route**", udfRoute),
        row("**modelsql, compiled SQL route**", compiledRoute),
      );
      const peerNames: Record<string, string> = {
        duckdb: "DuckDB Python client, Arrow UDF calling onnxruntime",
        spark: "Spark (local) with mlflow.pyfunc.spark_udf",
        pandas: "pandas + scikit-learn predict_proba",
      };
      for (const peer of peers.results.filter((result) => result.model === model)) {
        lines.push(row(peerNames[peer.peer] ?? peer.peer, peer.rows_per_second));
        goals.push(
          `- ${label}: modelsql ${best >= peer.rows_per_second ? "ahead of" : "**behind**"} ${peerNames[peer.peer]} (${(best / peer.rows_per_second).toFixed(2)}x).`,
        );
      }
      if (version === 2) {
        goals.unshift(
          `- ONNX UDF route for the trees: ${(udfRoute / limit).toFixed(2)} of the limit (goal: at least 0.9).`,
        );
      }
    }
    const [small, largeRun] = memory.results as [
      { rows: number; peakMiB: number; seconds: number },
      { rows: number; peakMiB: number; seconds: number },
    ];
    lines.push(
      "",
      "## Whole-table scoring to Parquet through the CLI (`modelsql score`)",
      "",
      "| rows | peak memory | wall time, process start included | rows/s |",
      "|---|---|---|---|",
      ...memory.results.map(
        (result) =>
          `| ${result.rows.toLocaleString("en-US")} | ${result.peakMiB} MiB | ${result.seconds.toFixed(1)} s | ${rate(result.rows / result.seconds)} |`,
      ),
      "",
      `Peak memory at ${largeRun.rows.toLocaleString("en-US")} rows is ${(largeRun.peakMiB / small.peakMiB).toFixed(2)} times that at ${small.rows.toLocaleString("en-US")}: it streams.`,
      "",
      "## Serving on loopback: `modelsql serve` against `mlflow models serve`, the same requests",
      "",
      "| figure | modelsql p50 / p99 | mlflow p50 / p99 | modelsql / mlflow (p50) |",
      "|---|---|---|---|",
      `| 1 row per request | ${ms(serving.modelsql.oneRow.p50)} / ${ms(serving.modelsql.oneRow.p99)} | ${ms(serving.mlflow.oneRow.p50)} / ${ms(serving.mlflow.oneRow.p99)} | ${(serving.modelsql.oneRow.p50 / serving.mlflow.oneRow.p50).toFixed(2)} |`,
      `| 100 rows per request | ${ms(serving.modelsql.hundredRows.p50)} / ${ms(serving.modelsql.hundredRows.p99)} | ${ms(serving.mlflow.hundredRows.p50)} / ${ms(serving.mlflow.hundredRows.p99)} | ${(serving.modelsql.hundredRows.p50 / serving.mlflow.hundredRows.p50).toFixed(2)} |`,
      `| throughput, 1 row per request (autocannon, 4 connections) | ${rate(serving.modelsql.oneRowRequestsPerSecond)} requests/s | ${rate(serving.mlflow.oneRowRequestsPerSecond)} requests/s | ${(serving.modelsql.oneRowRequestsPerSecond / serving.mlflow.oneRowRequestsPerSecond).toFixed(2)} (higher is better) |`,
      `| throughput, 100 rows per request | ${rate(serving.modelsql.hundredRowRequestsPerSecond * 100)} rows/s | ${rate(serving.mlflow.hundredRowRequestsPerSecond * 100)} rows/s | ${(serving.modelsql.hundredRowRequestsPerSecond / serving.mlflow.hundredRowRequestsPerSecond).toFixed(2)} (higher is better) |`,
      "",
      `modelsql's /health: ${ms(serving.healthIdle.p50)} p50 idle, ${ms(serving.healthBusy.p50)} p50 / ${ms(serving.healthBusy.p99)} p99 while a ${serving.busyStatement.rows.toLocaleString("en-US")}-row statement scored (${serving.busyStatement.seconds.toFixed(1)} s).`,
      "",
      "## Planning overhead: SQL text to execution start (analyse, resolve, authorize, rewrite, bind)",
      "",
      `| query | modelsql p50 / p99 | DuckDB's own prepare of the executed SQL, p50 / p99 |`,
      "|---|---|---|",
      ...planning.results.map(
        (result) =>
          `| ${result.query} | ${ms(result.modelsql.p50)} / ${ms(result.modelsql.p99)} | ${ms(result.duckdbPrepare.p50)} / ${ms(result.duckdbPrepare.p99)} |`,
      ),
      "",
      `(${planning.runs} runs each, as the analyst.)`,
    );
    const seed = planning.results[0] as { modelsql: Latency };
    goals.push(
      `- Serving p50, 1 row: modelsql ${ms(serving.modelsql.oneRow.p50)} against mlflow ${ms(serving.mlflow.oneRow.p50)} (${serving.modelsql.oneRow.p50 < serving.mlflow.oneRow.p50 ? "below" : "**not below**"}); 100 rows: ${ms(serving.modelsql.hundredRows.p50)} against ${ms(serving.mlflow.hundredRows.p50)} (${serving.modelsql.hundredRows.p50 < serving.mlflow.hundredRows.p50 ? "below" : "**not below**"}).`,
      `- Planning p50 for the seed query: ${ms(seed.modelsql.p50)} (goal: under 2 ms).`,
    );
    lines.splice(
      lines.indexOf("## Throughput: `SELECT sum(predict_churn(...))` and its equivalents, rows per second"),
      0,
      "## Against the goals",
      "",
      ...goals,
      "",
    );
    mkdirSync(output, { recursive: true });
    writeFileSync(path.join(output, "RESULTS.md"), `${lines.join("\n")}\n`);
    writeFileSync(
      path.join(output, "results.json"),
      `${JSON.stringify({ started: started.toISOString(), rows, repeats: Number(repeats), machine: { cores: availableParallelism(), cpu, memoryGiB: totalmem() / 2 ** 30, kernel: release(), node: process.version }, udf, compiled, memory, planning, serving, peers }, null, 2)}\n`,
    );
    process.stdout.write(
      `${lines.join("\n")}\n\nWrote ${path.join(output, "RESULTS.md")} and results.json\n`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
