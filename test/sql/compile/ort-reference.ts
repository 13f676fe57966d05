import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import type { MlGraph } from "../../../src/sql/compile/onnx-ml-nodes.js";

/** ONNX element types of the test models' inputs. */
const STRING = 8;
const INT64 = 7;
const FLOAT = 1;
const DOUBLE = 11;

/** A CSV cell or generated value as a number input (blank or NULL is missing: NaN). */
function number(value: unknown): number {
  if (value === null || value === undefined) return Number.NaN;
  if (typeof value === "string" && value.trim() === "") return Number.NaN;
  return Number(value);
}

/**
 * The model run directly by ONNX Runtime on rows (of the Telco CSV, or generated): the
 * independent reference the compiled SQL is checked against. Returns each output as an array of per-row values (a row of
 * several columns is an array).
 */
export async function runOnnxRuntime(
  modelFile: string,
  graph: MlGraph,
  rows: readonly Record<string, unknown>[],
): Promise<Map<string, unknown[]>> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of graph.inputs) {
    const type = graph.inputTypes.get(name);
    const values = rows.map((row) => row[name]);
    if (type === STRING)
      feeds[name] = new ort.Tensor(
        "string",
        values.map((value) => String(value ?? "")),
        [rows.length],
      );
    else if (type === INT64)
      feeds[name] = new ort.Tensor(
        "int64",
        BigInt64Array.from(values.map((value) => BigInt(Math.trunc(Number(value ?? 0))))),
        [rows.length],
      );
    else if (type === FLOAT)
      feeds[name] = new ort.Tensor("float32", Float32Array.from(values.map(number)), [rows.length]);
    else if (type === DOUBLE)
      feeds[name] = new ort.Tensor("float64", Float64Array.from(values.map(number)), [rows.length]);
    else throw new Error(`input ${name} has element type ${type}`);
  }
  const session = await ort.InferenceSession.create(readFileSync(modelFile));
  const results = await session.run(feeds);
  const outputs = new Map<string, unknown[]>();
  for (const [name, tensor] of Object.entries(results)) {
    const width = tensor.dims.length > 1 ? (tensor.dims[1] as number) : 1;
    const data = Array.from(tensor.data as ArrayLike<unknown>, (value) =>
      typeof value === "bigint" ? Number(value) : value,
    );
    outputs.set(
      name,
      width === 1 && tensor.dims.length === 1
        ? data
        : Array.from({ length: rows.length }, (_, row) => data.slice(row * width, (row + 1) * width)),
    );
  }
  await session.release();
  return outputs;
}
