import type { ExampleRow } from "../../models/input-example.js";
import type { MlGraph } from "./onnx-ml-nodes.js";

/** A generated input row: a value per graph input (null = missing). */
export type SampleRow = Record<string, number | string | null>;

export interface SampleInput {
  readonly name: string;
  /** ONNX element type: 8 string, 7/6 integers, 1/11 floats. */
  readonly elementType: number;
  /** The signature marks it optional: a NULL reaches the model (as NaN). */
  readonly optional: boolean;
}

const STRING = 8;
const INTEGER_TYPES = new Set([6, 7]);
const UNSEEN = "modelsql-unseen-category";

/** mulberry32: a small seeded generator, so a version's sample is the same every time. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The float32 values next to a float32 value, and doubles that round to it as float32. */
function aroundThreshold(value: number): number[] {
  const buffer = new DataView(new ArrayBuffer(8));
  buffer.setFloat32(0, value);
  const bits = buffer.getUint32(0);
  const neighbour = (step: number) => {
    buffer.setUint32(4, bits + (value >= 0 ? step : -step));
    return buffer.getFloat32(4);
  };
  const ulp = Math.abs(neighbour(1) - value) || Number.EPSILON;
  return [value, neighbour(1), neighbour(-1), value + ulp / 4, value - ulp / 4];
}

/** Per input, the constants the compiled SQL compares it with (tree thresholds), read from the SQL. */
function comparedConstants(markedSql: string, inputs: readonly SampleInput[]): Map<string, number[]> {
  const found = new Map<string, number[]>();
  const pattern =
    /"modelsql_input_(\d+)"(?: AS FLOAT\))?(?: END)? (?:<=|<|>=|>|=|<>) \(?(-?[0-9.]+e[-+]?[0-9]+)\)?/g;
  for (const match of markedSql.matchAll(pattern)) {
    const input = inputs[Number(match[1])];
    if (!input) continue;
    const values = found.get(input.name) ?? [];
    values.push(Number(match[2]));
    found.set(input.name, values);
  }
  return found;
}

/** Category values the graph one-hot encodes, per input (traced back through shape-only nodes). */
function categories(graph: MlGraph): Map<string, (string | number)[]> {
  const origin = new Map<string, string>(graph.inputs.map((name) => [name, name]));
  const found = new Map<string, (string | number)[]>();
  for (const node of graph.nodes) {
    const source = origin.get(node.inputs[0] ?? "");
    if (source && ["Reshape", "Identity", "Flatten", "Squeeze", "Unsqueeze"].includes(node.opType)) {
      origin.set(node.outputs[0] as string, source);
    }
    if (source && node.opType === "OneHotEncoder") {
      const values = (node.attributes.get("cats_strings") ?? node.attributes.get("cats_int64s") ?? []) as (
        | string
        | number
      )[];
      found.set(source, [...(found.get(source) ?? []), ...values]);
    }
  }
  return found;
}

/**
 * The rows a compiled model is checked on: `count` generated rows plus the input example's.
 * Each value is drawn at random from what exercises the compiled SQL: the categories the model
 * encodes and one it has never seen; the tree thresholds each number is compared with, the next
 * float32 values either side and doubles that round to the threshold as float32 (where SQL
 * arithmetic in double would take the other branch); values in and beyond the input example's
 * range; zero; NaN; and NULL for inputs the signature marks optional.
 */
export function generateParitySample(options: {
  readonly graph: MlGraph;
  readonly inputs: readonly SampleInput[];
  readonly markedSql: string;
  readonly example: readonly ExampleRow[];
  readonly count: number;
  readonly seed: number;
}): SampleRow[] {
  const { graph, inputs, example, count } = options;
  const random = generator(options.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const thresholds = comparedConstants(options.markedSql, inputs);
  const encoded = categories(graph);
  const draw = inputs.map((input) => {
    const seen = example
      .map((row) => row[input.name])
      .filter((value) => value !== null && value !== undefined);
    if (input.elementType === STRING) {
      const known = [...new Set([...(encoded.get(input.name) ?? []).map(String), ...seen.map(String)])];
      return () => (random() < 0.05 || known.length === 0 ? UNSEEN : pick(known));
    }
    const numbers = seen.map(Number).filter(Number.isFinite);
    const low = numbers.length > 0 ? Math.min(...numbers) : -100;
    const high = numbers.length > 0 ? Math.max(...numbers) : 100;
    const span = Math.max(high - low, 1);
    const near = (thresholds.get(input.name) ?? []).flatMap(aroundThreshold);
    const integer = INTEGER_TYPES.has(input.elementType);
    return () => {
      const roll = random();
      let value: number;
      if (near.length > 0 && roll < 0.5) value = pick(near);
      else if (roll < 0.55) value = 0;
      else if (roll < 0.56 && !integer) return Number.NaN;
      else value = low - span + random() * 3 * span;
      return integer ? Math.round(value) : value;
    };
  });
  const generated: SampleRow[] = Array.from({ length: count }, () =>
    Object.fromEntries(
      inputs.map((input, index) => [
        input.name,
        // Only an optional float input reaches the model as missing (NaN); a NULL elsewhere
        // never reaches it (the function's NULL policy answers first).
        input.optional &&
        !INTEGER_TYPES.has(input.elementType) &&
        input.elementType !== STRING &&
        random() < 0.05
          ? null
          : (draw[index] as () => number | string)(),
      ]),
    ),
  );
  const examples = example.map((row) =>
    Object.fromEntries(
      inputs.map((input) => [input.name, (row[input.name] ?? null) as number | string | null]),
    ),
  );
  return [...examples, ...generated];
}
