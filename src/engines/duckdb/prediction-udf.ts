import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBDataChunk,
  DuckDBScalarFunction,
  type DuckDBType,
  type DuckDBVector,
  FLOAT,
  INTEGER,
  MAP,
  mapValue,
  STRUCT,
  structValue,
  UBIGINT,
  VARCHAR,
} from "@duckdb/node-api";
import type { Tensor } from "onnxruntime-node";
import { describeCause, ModelSqlError } from "../../errors.js";
import type { FunctionBinding } from "../../functions/function-binding.js";
import type { ParameterType } from "../../functions/sql-types.js";
import type { OnnxModel } from "../../models/onnx-model.js";
import type { ScoredSample } from "../../monitoring/statement-observations.js";
import { describeModelVersion } from "../../registry/model-registry.js";
import { feedTensor } from "./feed-tensors.js";
import { everyRow, sampleReader } from "./scored-samples.js";
import { udfError } from "./udf-errors.js";
import { type CallForm, udfName } from "./udf-names.js";
import {
  type ArgumentColumn,
  argumentLayout,
  type ChunkArguments,
  readArgumentColumns,
} from "./vector-columns.js";

/** The DuckDB type of each SQL parameter type. */
export const DUCKDB_TYPES: Readonly<Record<ParameterType, DuckDBType>> = {
  BOOLEAN,
  INT: INTEGER,
  BIGINT,
  FLOAT,
  DOUBLE,
  STRING: VARCHAR,
};

export type { CallForm };

/** Observers of scoring, for progress bars and cancellation; called on the scoring thread. */
export interface ScoringHooks {
  /** After each chunk, with its row count (NULL rows included); throwing here (say, on cancel) fails the statement. */
  readonly onChunkScored?: (rows: number) => void;
  /**
   * After each chunk, for the inference log: the chunk rows that were scored (not NULL), and a
   * reader of one row's arguments and value, called only for the rows the sample keeps.
   */
  readonly onScored?: (
    functionName: string,
    scoredRows: ArrayLike<number>,
    read: (row: number) => ScoredSample,
  ) => void;
}

export function returnTypeOf(binding: FunctionBinding): DuckDBType {
  const label = binding.labelType === "STRING" ? VARCHAR : BIGINT;
  switch (binding.definition.returns.kind) {
    case "probability":
      return DOUBLE;
    case "label":
      return label;
    case "struct":
      return STRUCT({ label, probabilities: MAP(VARCHAR, DOUBLE), model: VARCHAR, version: INTEGER });
  }
}

/**
 * The UDF's parameters: the function's own (or one STRUCT of them), then a UBIGINT hash for each
 * text parameter, which the macro computes with DuckDB's hash() (see string-vector-reader.ts).
 */
export function parameterTypesOf(binding: FunctionBinding, form: CallForm): DuckDBType[] {
  const types = binding.inputs.map(({ parameter }) => DUCKDB_TYPES[parameter.type]);
  const hashes = binding.inputs.filter(({ parameter }) => parameter.type === "STRING").map(() => UBIGINT);
  if (form === "positional") return [...types, ...hashes];
  const fields = binding.inputs.map(({ parameter }, index) => [parameter.name, types[index] as DuckDBType]);
  return [STRUCT(Object.fromEntries(fields)), ...hashes];
}

/** What decides whether registering a UDF replaces another of the same name. */
export function udfSignature(returnType: DuckDBType, parameterTypes: readonly DuckDBType[]): string {
  return `${parameterTypes.map(String).join(",")}->${String(returnType)}`;
}

/** Row indexes whose required arguments are all present; undefined when every row is. */
function rowsToScore(
  binding: FunctionBinding,
  chunkArguments: ChunkArguments,
  rows: number,
): Int32Array | undefined {
  const { columns, structValid } = chunkArguments;
  const blocking = binding.inputs
    .map((input, index) => ({ input, column: columns[index] as ArgumentColumn }))
    // A NULL in an optional float input is a missing value the model handles, not a NULL row.
    .filter(
      ({ input, column }) => column.valid && !(input.optional && input.elementType.startsWith("float")),
    );
  if (blocking.length === 0 && !structValid) return undefined;
  const keep: number[] = [];
  for (let row = 0; row < rows; row += 1) {
    const structPresent = !structValid || structValid[row] === 1;
    if (structPresent && blocking.every(({ column }) => column.valid?.[row] === 1)) keep.push(row);
    else if (binding.definition.onNull === "fail" && !structPresent) {
      throw new ModelSqlError(
        "NULL_PREDICTION_INPUT",
        `${binding.definition.name} got a NULL STRUCT argument, and its definition says on_null: fail`,
        {
          hint: "Filter such rows out (WHERE <argument> IS NOT NULL), or define the function with on_null: return_null.",
        },
      );
    } else if (binding.definition.onNull === "fail") {
      const culprit = blocking.find(({ column }) => column.valid?.[row] !== 1);
      throw new ModelSqlError(
        "NULL_PREDICTION_INPUT",
        `${binding.definition.name} got NULL for parameter ${culprit?.input.parameter.name}, and its definition says on_null: fail`,
        {
          hint: `Filter such rows out (WHERE ${culprit?.input.parameter.name} IS NOT NULL), or define the function with on_null: return_null.`,
        },
      );
    }
  }
  return keep.length === rows ? undefined : Int32Array.from(keep);
}

function labelAt(tensor: Tensor, index: number): bigint | string {
  const value = (tensor.data as ArrayLike<bigint | number | string>)[index];
  return typeof value === "number" ? BigInt(value) : (value as bigint | string);
}

/**
 * Writes the chunk's results; returns a reader of one scored row's value (by chunk row), for the
 * inference log's sample. Reading it back from the written vector crashes for STRUCT results
 * (seen on @duckdb/node-api 1.5), so the value is computed again instead.
 */
function writeOutputs(
  binding: FunctionBinding,
  outputs: Record<string, Tensor>,
  scored: Int32Array | undefined,
  rows: number,
  target: DuckDBVector,
): (row: number) => unknown {
  const probabilityTensor = binding.probabilityOutput ? outputs[binding.probabilityOutput.name] : undefined;
  const probabilities = probabilityTensor?.data as Float32Array | Float64Array | undefined;
  const labels = binding.labelOutput ? outputs[binding.labelOutput.name] : undefined;
  const width = binding.classLabels.length;
  const resultOf = (index: number): unknown => {
    switch (binding.definition.returns.kind) {
      case "probability":
        return Number(probabilities?.[index * width + binding.classIndex]);
      case "label":
        return labelAt(labels as Tensor, index);
      case "struct":
        return structValue({
          label: labelAt(labels as Tensor, index),
          probabilities: mapValue(
            binding.classLabels.map((key, column) => ({
              key,
              value: Number(probabilities?.[index * width + column]),
            })),
          ),
          model: binding.version.name,
          // An artifact no registered version stands for (runs:/, a logged model) has no number.
          version: binding.version.artifactReference ? null : binding.version.version,
        });
    }
  };
  const set = target.setItem.bind(target) as (row: number, value: unknown) => void;
  if (!scored) {
    for (let row = 0; row < rows; row += 1) set(row, resultOf(row));
  } else {
    for (let row = 0; row < rows; row += 1) set(row, null);
    for (let index = 0; index < scored.length; index += 1) set(scored[index] as number, resultOf(index));
  }
  target.flush();
  return (row) => resultOf(scored ? indexOfRow(scored, row) : row);
}

/** The position of a chunk row among the scored rows (sorted ascending). */
function indexOfRow(scored: Int32Array, row: number): number {
  let low = 0;
  let high = scored.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((scored[middle] as number) < row) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The DuckDB scalar UDF for one function bound to one model version and call form: one
 * synchronous ONNX Runtime run per DuckDB chunk (at most 2048 rows). It must finish before it
 * returns: DuckDB reads the output when the callback ends (FINDINGS.md).
 */
export function createPredictionUdf(
  binding: FunctionBinding,
  model: OnnxModel,
  form: CallForm,
  hooks: ScoringHooks = {},
  /** Why the function cannot score right now, checked before each chunk. */
  failure: () => Error | undefined = () => undefined,
): { name: string; udf: DuckDBScalarFunction } {
  const types = binding.inputs.map(({ parameter }) => parameter.type);
  const modelInputs = new Map(model.modelInterface.inputs.map((input) => [input.name, input]));
  const fetches = [binding.labelOutput?.name, binding.probabilityOutput?.name].filter(
    (name): name is string => name !== undefined,
  );
  // String caches live as long as this UDF registration.
  const layout = argumentLayout(
    types,
    form,
    binding.inputs.map(({ parameter }) => model.categoryCodesOf(parameter.input)),
  );
  const returnType = returnTypeOf(binding);
  const parameterTypes = parameterTypesOf(binding, form);
  const name = udfName(binding.definition.name, form, udfSignature(returnType, parameterTypes));
  const sampled = binding.inputs.map(({ parameter }) => parameter);
  const scoreChunk = (chunk: DuckDBDataChunk, output: DuckDBVector): void => {
    const reason = failure();
    if (reason) throw reason;
    const rows = chunk.rowCount;
    const chunkArguments = readArgumentColumns(chunk.chunk, layout, rows);
    const columns = chunkArguments.columns;
    const scored = rowsToScore(binding, chunkArguments, rows);
    const count = scored ? scored.length : rows;
    let outputs: Record<string, Tensor> = {};
    if (count > 0) {
      const feeds: Record<string, Tensor> = {};
      binding.inputs.forEach(({ parameter }, index) => {
        const input = modelInputs.get(parameter.input);
        if (input) feeds[input.name] = feedTensor(input, columns[index] as ArgumentColumn, rows, scored);
      });
      try {
        outputs = model.runWithCategoryCodes(feeds, fetches);
      } catch (error) {
        throw new ModelSqlError(
          "MODEL_EXECUTION_FAILED",
          `${binding.definition.name} failed scoring ${count} rows with ${describeModelVersion(binding.version)}: ${describeCause(error)}`,
          { hint: "Check the arguments' values against what the model accepts.", cause: error },
        );
      }
    }
    const valueOfRow = writeOutputs(binding, outputs, scored, rows, output);
    hooks.onScored?.(
      binding.definition.name,
      scored ?? everyRow(rows),
      sampleReader(sampled, form, chunk.chunk, valueOfRow),
    );
    hooks.onChunkScored?.(rows);
  };
  const mainFunction = (_info: unknown, chunk: DuckDBDataChunk, output: DuckDBVector): void => {
    try {
      scoreChunk(chunk, output);
    } catch (error) {
      throw udfError(error);
    }
  };
  const udf = DuckDBScalarFunction.create({
    name,
    mainFunction,
    returnType,
    parameterTypes,
    // NULLs reach the callback, which applies the function's NULL policy itself.
    specialHandling: true,
    volatile: false,
  });

  return { name, udf };
}
