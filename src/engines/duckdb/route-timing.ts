import type { DuckDBConnection } from "@duckdb/node-api";
import { bindFunction, type FunctionBinding } from "../../functions/function-binding.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import { suggestedType } from "../../functions/sql-types.js";
import type { OnnxModel } from "../../models/onnx-model.js";
import type { ModelVersion } from "../../registry/model-registry.js";
import { compileFunctionSql } from "../../sql/compile/compiled-function.js";
import type { MlGraph } from "../../sql/compile/onnx-ml-nodes.js";
import { DUCKDB } from "../../sql/dialects/duckdb-dialect.js";
import { quoteIdentifier } from "./duckdb-catalog-names.js";
import { createPredictionUdf } from "./prediction-udf.js";

/** Rows per second of each local route, for one representative function of a model version. */
export interface RouteTiming {
  readonly rows: number;
  readonly sqlRowsPerSecond: number;
  readonly onnxRowsPerSecond: number;
}

/**
 * The function routes are timed with: every model input a parameter (of its natural SQL type),
 * returning the probability of the last class, or the label when the model has no probabilities.
 * Undefined when no function can bind to the model (a regressor: functions return classes).
 */
function representativeBinding(version: ModelVersion): FunctionBinding | undefined {
  const parameters = version.modelInterface.inputs.map((input, index) => ({
    name: `p${index}`,
    type: suggestedType(input.elementType) ?? "DOUBLE",
    input: input.name,
  }));
  const base = {
    name: "modelsql.timing.route",
    model: "models:/modelsql.timing.route/1",
    parameters,
    onNull: "return_null",
    description: "",
  } as const;
  const classes = version.modelInterface.classLabels ?? [];
  const attempts: FunctionDefinition[] = [
    ...(classes.length > 0
      ? [
          {
            ...base,
            returns: { kind: "probability", classLabel: String(classes[classes.length - 1]) },
          } as const,
        ]
      : []),
    { ...base, returns: { kind: "label" } },
  ];
  for (const definition of attempts) {
    try {
      return bindFunction(definition, version);
    } catch {
      // try the next return kind
    }
  }
  return undefined;
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Times both local routes on `table` (whose columns `columnOf(input)` names, one per model
 * input): the compiled SQL as one statement, planning included (a large tree ensemble takes
 * DuckDB a noticeable time to plan), and the ONNX UDF exactly as queries call it, string hashes
 * included. Each result is reduced with sum(hash(..)) so DuckDB computes every value.
 */
export async function timeRoutes(
  connection: DuckDBConnection,
  version: ModelVersion,
  model: OnnxModel,
  graph: MlGraph,
  table: string,
  rows: number,
  columnOf: (input: string) => string,
): Promise<RouteTiming | undefined> {
  const binding = representativeBinding(version);
  if (!binding) return undefined;
  const argument = (index: number) => {
    const { parameter } = binding.inputs[index] as FunctionBinding["inputs"][number];
    return `CAST(${columnOf(parameter.input)} AS ${parameter.type === "STRING" ? "VARCHAR" : parameter.type === "INT" ? "INTEGER" : parameter.type})`;
  };
  const compiled = compileFunctionSql(binding, graph, DUCKDB, { argument, failOnNull: () => "NULL" });
  const { name, udf } = createPredictionUdf(binding, model, "positional");
  connection.registerScalarFunction(udf);
  const values = binding.inputs.map((_, index) => argument(index));
  const hashes = binding.inputs.flatMap((input, index) =>
    input.parameter.type === "STRING" ? [`hash(${argument(index)})`] : [],
  );
  const onnxCall = `${quoteIdentifier(name)}(${[...values, ...hashes].join(", ")})`;
  // Warm both up on one chunk (ONNX Runtime's first runs are slower); then time the full table.
  await connection.runAndReadAll(`SELECT sum(hash(${onnxCall})) FROM (SELECT * FROM ${table} LIMIT 2048)`);
  const sqlSeconds = await seconds(() =>
    connection.runAndReadAll(`SELECT sum(hash(${compiled})) FROM ${table}`),
  );
  const onnxSeconds = await seconds(() =>
    connection.runAndReadAll(`SELECT sum(hash(${onnxCall})) FROM ${table}`),
  );
  return { rows, sqlRowsPerSecond: rows / sqlSeconds, onnxRowsPerSecond: rows / onnxSeconds };
}
