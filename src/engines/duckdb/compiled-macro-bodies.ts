import type { FunctionBinding } from "../../functions/function-binding.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import { compileFunctionSql } from "../../sql/compile/compiled-function.js";
import type { MlGraph } from "../../sql/compile/onnx-ml-nodes.js";
import { DUCKDB } from "../../sql/dialects/duckdb-dialect.js";
import { quoteIdentifier, quoteLiteral } from "./duckdb-catalog-names.js";

/** The UDF that fails a statement when a compiled function meets a NULL under `on_null: fail`. */
export const NULL_INPUT_FUNCTION = "modelsql:null_prediction_input";

/** The compiled function's SQL per call form, over the macro's parameters. */
export interface CompiledBodies {
  readonly positional: string;
  readonly struct?: string;
}

const typeOf = (parameter: FunctionDefinition["parameters"][number]) =>
  DUCKDB.sqlType({ kind: "scalar", name: parameter.type });

/**
 * The macro bodies of a function on the compiled route. Arguments are cast to the declared
 * parameter types, as the UDF receives them. A NULL under `on_null: fail` reaches a UDF that
 * raises NULL_PREDICTION_INPUT naming the parameter (a CASE branch, so only for such rows; the
 * UDF is volatile, so DuckDB never calls it while planning).
 */
export function compiledMacroBodies(
  binding: FunctionBinding,
  graph: MlGraph,
  structParameter: string,
): CompiledBodies {
  const definition = binding.definition;
  const failOnNull = (parameter: string | undefined) =>
    `CASE WHEN ${quoteIdentifier(NULL_INPUT_FUNCTION)}(${quoteLiteral(definition.name)}, ${parameter === undefined ? "NULL" : quoteLiteral(parameter)}) THEN NULL END`;
  const parameterOf = (index: number) =>
    binding.inputs[index]?.parameter as FunctionDefinition["parameters"][number];
  const positional = compileFunctionSql(binding, graph, DUCKDB, {
    argument: (index) => `CAST(${quoteIdentifier(parameterOf(index).name)} AS ${typeOf(parameterOf(index))})`,
    failOnNull,
  });
  if (definition.parameters.length === 1) return { positional };
  const struct = quoteIdentifier(structParameter);
  return {
    positional,
    struct: compileFunctionSql(binding, graph, DUCKDB, {
      argument: (index) =>
        `CAST(struct_extract(${struct}, ${quoteLiteral(parameterOf(index).name)}) AS ${typeOf(parameterOf(index))})`,
      wholeArgument: struct,
      failOnNull,
    }),
  };
}
