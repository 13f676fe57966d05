import { readFileSync } from "node:fs";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { Tensor } from "onnxruntime-node";
import { describeCause } from "../../errors.js";
import { readInputExample } from "../../models/input-example.js";
import type { OnnxModel } from "../../models/onnx-model.js";
import type { CompiledRouteCheck } from "../../registry/compiled-route-store.js";
import type { ModelVersion } from "../../registry/model-registry.js";
import { type CompiledGraph, compileGraph } from "../../sql/compile/graph-compiler.js";
import { type MlGraph, readMlGraph } from "../../sql/compile/onnx-ml-nodes.js";
import { generateParitySample, type SampleInput, type SampleRow } from "../../sql/compile/parity-sample.js";
import { DATABRICKS } from "../../sql/dialects/databricks-dialect.js";
import { DUCKDB } from "../../sql/dialects/duckdb-dialect.js";
import { feedTensor } from "./feed-tensors.js";
import { timeRoutes } from "./route-timing.js";

/** Generated rows a check runs on, beyond the input example's (the floor is 10,000). */
export const PARITY_SAMPLE_ROWS = 10_000;
/** How many times the sample is repeated to time each route: rows enough to be past start-up costs. */
const TIMING_REPEATS = 10;
/** DuckDB's vector size: the rows the ONNX UDF gets per call, so ONNX Runtime is timed per call as in a query. */
const CHUNK_ROWS = 2048;
const TOLERANCE = 1e-5;
const STRING = 8;
const INTEGERS = new Set([6, 7]);

const column = (index: number) => `modelsql_input_${index}`;

function sqlTypeOf(elementType: number): string {
  return elementType === STRING ? "VARCHAR" : INTEGERS.has(elementType) ? "BIGINT" : "DOUBLE";
}

async function loadSample(
  connection: DuckDBConnection,
  inputs: readonly SampleInput[],
  sample: readonly SampleRow[],
) {
  const columns = inputs.map((input, index) => `${column(index)} ${sqlTypeOf(input.elementType)}`);
  await connection.run(`CREATE TABLE parity_sample (modelsql_row BIGINT, ${columns.join(", ")})`);
  const appender = await connection.createAppender("parity_sample");
  sample.forEach((row, position) => {
    appender.appendBigInt(BigInt(position));
    for (const input of inputs) {
      const value = row[input.name];
      if (value === null || value === undefined) appender.appendNull();
      else if (input.elementType === STRING) appender.appendVarchar(String(value));
      else if (INTEGERS.has(input.elementType)) appender.appendBigInt(BigInt(Math.trunc(Number(value))));
      else appender.appendDouble(Number(value));
    }
    appender.endRow();
  });
  appender.closeSync();
}

/** The model's outputs from ONNX Runtime, by name, for `rows` of the sample (in order). */
function runOnnx(
  model: OnnxModel,
  inputs: readonly SampleInput[],
  sample: readonly SampleRow[],
): Record<string, Tensor>[] {
  const results: Record<string, Tensor>[] = [];
  for (let start = 0; start < sample.length; start += CHUNK_ROWS) {
    const rows = sample.slice(start, start + CHUNK_ROWS);
    const feeds: Record<string, Tensor> = {};
    for (const description of model.modelInterface.inputs) {
      const input = inputs.find((candidate) => candidate.name === description.name);
      if (!input) continue;
      const valid = Uint8Array.from(rows, (row) => (row[input.name] === null ? 0 : 1));
      const values =
        input.elementType === STRING
          ? rows.map((row) => (row[input.name] === null ? null : String(row[input.name])))
          : INTEGERS.has(input.elementType)
            ? BigInt64Array.from(rows, (row) => BigInt(Math.trunc(Number(row[input.name] ?? 0))))
            : Float64Array.from(rows, (row) => Number(row[input.name] ?? Number.NaN));
      feeds[description.name] = feedTensor(description, { values, valid }, rows.length, undefined);
    }
    results.push(model.run(feeds));
  }
  return results;
}

/** Per output, its per-row values from ONNX Runtime's chunks: numbers, or labels as text. */
function onnxValues(chunks: readonly Record<string, Tensor>[], name: string, width: number): unknown[][] {
  const rows: unknown[][] = [];
  for (const chunk of chunks) {
    const tensor = chunk[name];
    if (!tensor) return [];
    const data = Array.from(tensor.data as ArrayLike<unknown>);
    for (let row = 0; row < data.length / width; row += 1)
      rows.push(data.slice(row * width, (row + 1) * width));
  }
  return rows;
}

/** How far a compiled value is from ONNX Runtime's: relative beyond 1; undefined for a label that differs. */
export function parityDifference(got: unknown, want: unknown): number | undefined {
  if (typeof want === "number") {
    const value = got === null ? Number.NaN : Number(got);
    // NaN and the infinities match only themselves; a NULL matches nothing.
    if (!Number.isFinite(want)) return got !== null && Object.is(value, want) ? 0 : Number.POSITIVE_INFINITY;
    if (!Number.isFinite(value)) return Number.POSITIVE_INFINITY;
    return Math.abs(value - want) / Math.max(1, Math.abs(want));
  }
  return String(got) === String(want) ? 0 : undefined;
}

function seedOf(hash: string): number {
  return Number.parseInt(hash.slice(0, 8), 16) || 1;
}

/** A check that found no compiled SQL to offer, and why. */
export function unsupported(reason: string): CompiledRouteCheck {
  return {
    outcome: "unsupported",
    reason,
    sampleRows: 0,
    largestDifference: null,
    mismatchedValues: 0,
    measuredRows: 0,
    sqlRowsPerSecond: null,
    onnxRowsPerSecond: null,
    checkedAt: new Date(),
  };
}

/**
 * The rows a version's parity check runs on, and the graph inputs they feed: the version's input
 * example plus PARITY_SAMPLE_ROWS rows generated from its graph, seeded by its artifact hash, so
 * the same version always gets the same rows (the Spark suite runs the Databricks form on them).
 * `compiled` is the graph compiled for DuckDB over the sample's column names, whose comparisons
 * say which values to try.
 */
export function paritySampleOf(
  version: ModelVersion,
  graph: MlGraph,
  compiled: CompiledGraph = compileGraph(graph, (name) => `"${column(graph.inputs.indexOf(name))}"`, DUCKDB),
): { inputs: SampleInput[]; sample: SampleRow[] } {
  const optional = new Set(
    (version.signature?.inputs ?? [])
      .filter((spec) => (spec as { required?: boolean }).required === false)
      .flatMap((spec) => (spec.name ? [spec.name] : [])),
  );
  const inputs: SampleInput[] = graph.inputs.map((name) => ({
    name,
    elementType: graph.inputTypes.get(name) ?? 0,
    optional: optional.has(name),
  }));
  const sample = generateParitySample({
    graph,
    inputs,
    markedSql: [...compiled.outputs.values()].flat().join("\n"),
    example: readInputExample(version.artifactDirectory),
    count: PARITY_SAMPLE_ROWS,
    seed: seedOf(version.artifactHash),
  });
  return { inputs, sample };
}

/**
 * Checks a model version's compiled SQL against ONNX Runtime, and times both routes. The SQL
 * runs in a private in-memory DuckDB on the input example plus PARITY_SAMPLE_ROWS generated rows
 * (see parity-sample.ts); every graph output both produce is compared: numbers within 1e-5
 * (relative to their size beyond 1; NaN equals NaN), labels equal. Then the sample repeated
 * TIMING_REPEATS times is scored once by each local route (route-timing.ts).
 */
export async function checkCompiledRoute(
  version: ModelVersion,
  model: OnnxModel,
): Promise<CompiledRouteCheck> {
  const file = path.join(version.artifactDirectory, version.onnxFile);
  let graph: ReturnType<typeof readMlGraph>;
  let compiled: CompiledGraph;
  try {
    graph = readMlGraph(readFileSync(file));
    compiled = compileGraph(graph, (name) => `"${column(graph.inputs.indexOf(name))}"`, DUCKDB);
    compileGraph(graph, (name) => `\`${column(graph.inputs.indexOf(name))}\``, DATABRICKS);
  } catch (error) {
    return unsupported(describeCause(error).replace(/ SQLSTATE: \w+$/, ""));
  }
  const outputs = [...compiled.outputs].filter(([name]) =>
    model.modelInterface.outputs.some(
      (output) => output.name === name && output.elementType !== "non-tensor",
    ),
  );
  if (outputs.length === 0)
    return unsupported("No output of the compiled graph is an output ONNX Runtime returns.");
  const { inputs, sample } = paritySampleOf(version, graph, compiled);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await loadSample(connection, inputs, sample);
    const selected = outputs.flatMap(([, columns]) => columns);
    const reader = await connection.runAndReadAll(
      `SELECT ${selected.join(", ")} FROM parity_sample ORDER BY modelsql_row`,
    );
    const sqlRows = reader.getRowsJS();
    const onnxChunks = runOnnx(model, inputs, sample);
    let largest = 0;
    let mismatched = 0;
    let offset = 0;
    for (const [name, columns] of outputs) {
      const expected = onnxValues(onnxChunks, name, columns.length);
      sqlRows.forEach((row, index) => {
        columns.forEach((_, position) => {
          const difference = parityDifference(
            typeof row[offset + position] === "bigint"
              ? Number(row[offset + position])
              : row[offset + position],
            typeof expected[index]?.[position] === "bigint"
              ? Number(expected[index]?.[position])
              : expected[index]?.[position],
          );
          if (difference === undefined || difference > TOLERANCE) mismatched += 1;
          if (difference !== undefined && Number.isFinite(difference))
            largest = Math.max(largest, difference);
        });
      });
      offset += columns.length;
    }
    await connection.run(
      `CREATE TABLE timing_sample AS SELECT parity_sample.* FROM parity_sample, range(${TIMING_REPEATS}) ORDER BY modelsql_row`,
    );
    const timing = await timeRoutes(
      connection,
      version,
      model,
      graph,
      "timing_sample",
      sample.length * TIMING_REPEATS,
      (name) => column(graph.inputs.indexOf(name)),
    );
    const passed = mismatched === 0;
    return {
      outcome: passed ? "passed" : "failed",
      reason: passed
        ? `equal to ONNX Runtime on ${sample.length.toLocaleString("en-US")} rows (largest difference ${largest.toExponential(1)})`
        : `${mismatched} values differ from ONNX Runtime by more than ${TOLERANCE} on ${sample.length.toLocaleString("en-US")} rows`,
      sampleRows: sample.length,
      largestDifference: largest,
      mismatchedValues: mismatched,
      measuredRows: timing?.rows ?? 0,
      sqlRowsPerSecond: timing?.sqlRowsPerSecond ?? null,
      onnxRowsPerSecond: timing?.onnxRowsPerSecond ?? null,
      checkedAt: new Date(),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
