/**
 * Rows per second of prediction functions in DuckDB against raw ONNX Runtime on the same rows.
 *
 *   npm run bench                      # 1,000,000 rows, ONNX Runtime intra-op threads = cores
 *   npm run bench -- --rows 200000 --threads 1
 *
 * Rows: the 7043 Telco customers resampled with replacement to --rows rows (row i is customer
 * hash(i) mod 7043, so every run scores the same rows). Variants, each in this one process with
 * the same ONNX Runtime session options:
 * - raw ORT: the rows already in JavaScript arrays, one synchronous run per 2048 rows (DuckDB's
 *   chunk size), on the graph modelsql loads (text inputs as category codes, see
 *   src/models/category-codes-rewrite.ts); this is the physical limit the UDF is held to. Also
 *   one run per 65,536 rows, and one per 2048 rows on the graph as published (string tensors).
 * - UDF: `SELECT sum(fn(<19 columns>)) FROM rows`, positional call form, and the STRUCT form.
 * - row at a time: a UDF that runs the model once per row (on a sample; it is slow).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { DOUBLE, type DuckDBDataChunk, DuckDBScalarFunction, type DuckDBVector } from "@duckdb/node-api";
import { Tensor } from "onnxruntime-node";
import { LocalSession } from "../src/engines/duckdb/local-session.js";
import { buildExampleWorkspace, PACKAGE_ROOT } from "../src/example-workspace.js";
import { createFunction } from "../src/functions/function-creation.js";
import { readFunctionDefinitionFile } from "../src/functions/function-definition-file.js";
import { columnShape } from "../src/models/column-tensor.js";
import { OnnxModel } from "../src/models/onnx-model.js";
import { openWorkspace } from "../src/workspace.js";
import { medianSeconds, option, writeJsonResult } from "./bench-options.js";

const COLUMNS = [
  "gender",
  "senior_citizen",
  "partner",
  "dependents",
  "tenure",
  "phone_service",
  "multiple_lines",
  "internet_service",
  "online_security",
  "online_backup",
  "device_protection",
  "tech_support",
  "streaming_tv",
  "streaming_movies",
  "contract",
  "paperless_billing",
  "payment_method",
  "monthly_charges",
  "total_charges",
];
const CHUNK = 2048;
/** A large batch, for the limit without per-run overhead. */
const LARGE_BATCH = 65_536;

const rows = option("rows", 1_000_000);
const threads = option("threads", availableParallelism());
const rowAtATimeRows = option("row-at-a-time-rows", 20_000);
const repeats = option("repeats", 3);
const duckdbThreads = option("duckdb-threads", 0);

const timed = (work: () => Promise<unknown> | unknown) => medianSeconds(repeats, work);

async function main(): Promise<void> {
  const parent = mkdtempSync(path.join(tmpdir(), "modelsql-bench-"));
  const directory = path.join(parent, "workspace");
  await buildExampleWorkspace(directory, { owner: "bench" });
  const workspace = openWorkspace(directory);
  const base = readFunctionDefinitionFile(path.join(PACKAGE_ROOT, "udfs/predict_churn.yaml"));
  for (const version of [1, 2]) {
    await createFunction(
      workspace,
      // The ONNX UDF route, whatever `route: auto` would choose (it compiles the linear model to SQL).
      {
        ...base,
        name: `main.ml.churn_v${version}`,
        model: `models:/main.ml.churn/${version}`,
        route: "onnx",
      },
      { principal: "bench", replace: true },
    );
  }
  const session = await LocalSession.open(workspace, {
    intraOpThreads: threads,
    ...(duckdbThreads > 0 ? { duckdbThreads } : {}),
  });
  await session.queryRows(
    `CREATE OR REPLACE TABLE main.sales.bench_rows AS SELECT c.* FROM range(${rows}) r, (SELECT row_number() OVER () - 1 AS n, * FROM customers) c WHERE c.n = hash(r.range) % 7043 ORDER BY r.range`,
  );
  const counted = await session.queryRows(
    "SELECT count(*) AS n, count(DISTINCT customer_id) AS customers FROM bench_rows",
  );
  process.stdout.write(
    `rows: ${counted[0]?.n} (resampled from ${counted[0]?.customers} distinct customers); ONNX Runtime intra-op threads: ${threads}; repeats: ${repeats} (median)\n\n`,
  );

  // The same rows in JavaScript arrays, for raw ONNX Runtime.
  const columns = await session.queryRows(`SELECT ${COLUMNS.join(", ")} FROM bench_rows`);
  const results: { model: string; variant: string; rowsPerSecond: number; ratio: number }[] = [];
  for (const [version, label] of [
    [1, "logistic regression (v1)"],
    [2, "gradient-boosted trees (v2)"],
  ] as const) {
    const stored = await workspace.registry.getVersion("main.ml.churn", version);
    const model = OnnxModel.load(path.join(stored.artifactDirectory, stored.onnxFile), {
      intraOpThreads: threads,
    });
    // The graph as published: text inputs as string tensors, as a caller of ONNX Runtime feeds them.
    const published = OnnxModel.load(path.join(stored.artifactDirectory, stored.onnxFile), {
      intraOpThreads: threads,
      categoryCodes: false,
    });
    const inputs = model.modelInterface.inputs;
    const columnOf = new Map(base.parameters.map((parameter) => [parameter.input, parameter.name]));
    const arrays = inputs.map((input) => {
      const name = columnOf.get(input.name) as string;
      const values = columns.map((row) => row[name]);
      if (input.elementType === "string") return values as string[];
      if (input.elementType === "int64")
        return BigInt64Array.from(values.map((value) => BigInt(value as bigint)));
      return Float32Array.from(values.map((value) => (value === null ? Number.NaN : Number(value))));
    });
    const rawSeconds = (batch: number, runner: OnnxModel = model) =>
      timed(() => {
        for (let start = 0; start < rows; start += batch) {
          const end = Math.min(rows, start + batch);
          const feeds: Record<string, Tensor> = {};
          inputs.forEach((input, index) => {
            const array = arrays[index] as string[] | BigInt64Array | Float32Array;
            const slice = Array.isArray(array) ? array.slice(start, end) : array.subarray(start, end);
            feeds[input.name] = new Tensor(
              input.elementType as "string",
              slice as string[],
              columnShape(input, end - start),
            );
          });
          runner.run(feeds, ["probabilities"]);
        }
      });
    const rawRate = rows / (await rawSeconds(CHUNK));
    results.push({ model: label, variant: "raw ORT, batches of 2048", rowsPerSecond: rawRate, ratio: 1 });
    const largeRate = rows / (await rawSeconds(LARGE_BATCH));
    results.push({
      model: label,
      variant: `raw ORT, batches of ${LARGE_BATCH}`,
      rowsPerSecond: largeRate,
      ratio: largeRate / rawRate,
    });
    const publishedRate = rows / (await rawSeconds(CHUNK, published));
    published.dispose();
    results.push({
      model: label,
      variant: "raw ORT, graph as published, batches of 2048",
      rowsPerSecond: publishedRate,
      ratio: publishedRate / rawRate,
    });

    // Untimed warm-up: loads the model into the session cache and fills the string caches, as
    // the raw baseline's model is loaded before its clock starts.
    await session.queryRows(
      `SELECT sum(churn_v${version}(${COLUMNS.join(", ")})) AS s FROM (SELECT * FROM bench_rows LIMIT 20000)`,
    );
    await session.queryRows(
      `SELECT sum(churn_v${version}(struct_pack(${COLUMNS.join(", ")}))) AS s FROM (SELECT * FROM bench_rows LIMIT 20000)`,
    );
    const udf = await timed(() =>
      session.queryRows(`SELECT sum(churn_v${version}(${COLUMNS.join(", ")})) AS s FROM bench_rows`),
    );
    results.push({
      model: label,
      variant: "UDF, positional arguments",
      rowsPerSecond: rows / udf,
      ratio: rows / udf / rawRate,
    });
    const struct = await timed(() =>
      session.queryRows(
        `SELECT sum(churn_v${version}(struct_pack(${COLUMNS.join(", ")}))) AS s FROM bench_rows`,
      ),
    );
    results.push({
      model: label,
      variant: "UDF, one STRUCT argument",
      rowsPerSecond: rows / struct,
      ratio: rows / struct / rawRate,
    });

    // Row at a time: the same model, one ONNX Runtime run per row, inside a DuckDB UDF.
    session.connection.registerScalarFunction(
      DuckDBScalarFunction.create({
        name: `row_at_a_time_v${version}`,
        returnType: DOUBLE,
        parameterTypes: (
          await session.connection.runAndReadAll(`SELECT ${COLUMNS.join(", ")} FROM bench_rows LIMIT 0`)
        ).columnTypes(),
        mainFunction: (_info: unknown, chunk: DuckDBDataChunk, output: DuckDBVector) => {
          const vectors = inputs.map((input) =>
            chunk.getColumnVector(COLUMNS.indexOf(columnOf.get(input.name) as string)),
          );
          for (let row = 0; row < chunk.rowCount; row += 1) {
            const feeds: Record<string, Tensor> = {};
            inputs.forEach((input, index) => {
              const value = vectors[index]?.getItem(row);
              const data =
                input.elementType === "string"
                  ? [String(value)]
                  : input.elementType === "int64"
                    ? BigInt64Array.of(BigInt(value as bigint))
                    : Float32Array.of(value === null ? Number.NaN : Number(value));
              feeds[input.name] = new Tensor(
                input.elementType as "string",
                data as string[],
                columnShape(input, 1),
              );
            });
            const probabilities = model.run(feeds, ["probabilities"]).probabilities?.data as Float32Array;
            (output as DuckDBVector<number>).setItem(row, Number(probabilities[1]));
          }
          output.flush();
        },
      }),
    );
    const sample = Math.min(rows, rowAtATimeRows);
    const rowAtATime = await timed(() =>
      session.connection.runAndReadAll(
        `SELECT sum(row_at_a_time_v${version}(${COLUMNS.join(", ")})) FROM (SELECT * FROM bench_rows LIMIT ${sample})`,
      ),
    );
    results.push({
      model: label,
      variant: `row at a time (${sample} rows)`,
      rowsPerSecond: sample / rowAtATime,
      ratio: sample / rowAtATime / rawRate,
    });
    model.dispose();
  }
  const table = [
    ["model", "variant", "rows/s", "ratio to raw ORT"],
    ...results.map((result) => [
      result.model,
      result.variant,
      Math.round(result.rowsPerSecond).toLocaleString("en-US"),
      result.ratio.toFixed(3),
    ]),
  ];
  const widths = (table[0] as string[]).map((_, column) =>
    Math.max(...table.map((row) => (row[column] as string).length)),
  );
  for (const [index, row] of table.entries()) {
    process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] as number)).join("  ")}\n`);
    if (index === 0) process.stdout.write(`${widths.map((width) => "-".repeat(width)).join("  ")}\n`);
  }
  const gbt = results.find(
    (result) => result.model.startsWith("gradient") && result.variant.startsWith("UDF, positional"),
  );
  process.stdout.write(
    `\nUDF/raw for gradient-boosted trees: ${gbt?.ratio.toFixed(3)} (goal: at least 0.9)\n`,
  );
  writeJsonResult({ rows, threads, repeats, results });
  session.close();
  workspace.close();
  rmSync(parent, { recursive: true, force: true });
}

await main();
