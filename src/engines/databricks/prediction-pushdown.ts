import type { FunctionBinding } from "../../functions/function-binding.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import { DATABRICKS } from "../../sql/dialects/databricks-dialect.js";
import type { SqlType } from "../../sql/dialects/sql-type.js";
import { routingOf } from "./serving-endpoint.js";

/**
 * What a prediction function is on Databricks: a call to ai_query on the function's serving
 * endpoint, with a request STRUCT whose fields are the model's input names and the function's
 * return type as returnType. The endpoint answers the function's value for each row (the
 * contract a deployed endpoint must meet; see the README's "Databricks" section).
 */

/** The function's return type, as a type both dialects can spell. */
export function returnTypeOf(binding: FunctionBinding): SqlType {
  const label: SqlType = { kind: "scalar", name: binding.labelType === "STRING" ? "STRING" : "BIGINT" };
  switch (binding.definition.returns.kind) {
    case "probability":
      return { kind: "scalar", name: "DOUBLE" };
    case "label":
      return label;
    case "struct":
      return {
        kind: "struct",
        fields: [
          { name: "label", type: label },
          {
            name: "probabilities",
            type: {
              kind: "map",
              key: { kind: "scalar", name: "STRING" },
              value: { kind: "scalar", name: "DOUBLE" },
            },
          },
          { name: "model", type: { kind: "scalar", name: "STRING" } },
          { name: "version", type: { kind: "scalar", name: "INT" } },
        ],
      };
  }
}

/**
 * ai_query on the function's endpoint, with one value per parameter (Databricks SQL text, in
 * parameter order). NULL arguments are handled here as the local engine handles them, so a row
 * scores the same in both places: with `on_null: return_null` a NULL in an input the model
 * requires gives NULL; with `fail` it raises NULL_PREDICTION_INPUT. An input the model marks
 * optional is sent as null.
 */
export function aiQueryCall(binding: FunctionBinding, values: readonly string[]): string {
  const definition = binding.definition;
  const request = DATABRICKS.sqlStruct(
    binding.inputs.map((input, index) => ({ name: input.parameter.input, value: values[index] as string })),
  );
  const returnType = DATABRICKS.quoteString(DATABRICKS.sqlType(returnTypeOf(binding)));
  const call = `ai_query(${DATABRICKS.quoteString(routingOf(definition).endpoint)}, request => ${request}, returnType => ${returnType})`;
  const required = binding.inputs
    .map((input, index) => ({ input, value: values[index] as string }))
    .filter(({ input }) => !input.optional);
  if (required.length === 0) return call;
  const anyNull = required.map(({ value }) => `${value} IS NULL`).join(" OR ");
  const onNull =
    definition.onNull === "fail"
      ? `raise_error(${DATABRICKS.quoteString(`[NULL_PREDICTION_INPUT] ${definition.name} was called with a NULL input the model requires.`)})`
      : "NULL";
  return `CASE WHEN ${anyNull} THEN ${onNull} ELSE ${call} END`;
}

/** The Unity Catalog name of a function, as Databricks SQL text. */
export function ucFunctionName(definition: FunctionDefinition): string {
  return definition.name
    .split(".")
    .map((part) => DATABRICKS.identifier(part))
    .join(".");
}

/**
 * A call in an analyst's query, on Databricks: the arguments as written (positional), or one
 * STRUCT argument whose fields are the parameters by name (the struct form), spread into one
 * value per parameter.
 */
export function pushedDownCall(
  binding: FunctionBinding,
  args: readonly string[],
  structForm: boolean,
): string {
  const definition = binding.definition;
  const values = structForm
    ? definition.parameters.map((parameter) => `(${args[0]}).${DATABRICKS.identifier(parameter.name)}`)
    : args;
  return routingOf(definition).route === "ai_query"
    ? aiQueryCall(binding, values)
    : `${ucFunctionName(definition)}(${values.join(", ")})`;
}
