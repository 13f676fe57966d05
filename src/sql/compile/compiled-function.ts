import type { FunctionBinding } from "../../functions/function-binding.js";
import type { Dialect } from "../dialects/dialect.js";
import { compileGraph } from "./graph-compiler.js";
import type { MlGraph } from "./onnx-ml-nodes.js";
import { unsupported } from "./sql-tensor.js";
import { SqlWriter } from "./sql-writer.js";

/** How a call's arguments and NULL failures are written where the compiled body goes. */
export interface CompiledCallSite {
  /** The SQL of the i-th parameter's value (a macro or UC function parameter, a STRUCT field). */
  readonly argument: (index: number) => string;
  /** When the call passes one STRUCT: the SQL that is NULL when the whole argument is. */
  readonly wholeArgument?: string;
  /** A SQL expression that fails the statement with NULL_PREDICTION_INPUT naming the parameter. */
  readonly failOnNull: (parameter: string | undefined) => string;
}

/**
 * A prediction function's value as one SQL expression over its arguments: the bound version's
 * graph compiled to SQL, the function's output picked from it (a class probability, the label,
 * or the STRUCT of label, probabilities, model and version), typed as the ONNX route types it,
 * and the NULL policy applied as the UDF applies it: a NULL in an input the model requires gives
 * NULL (`return_null`) or fails (`fail`); a NULL in an optional float input reaches the model
 * as NaN, its missing value.
 */
export function compileFunctionSql(
  binding: FunctionBinding,
  graph: MlGraph,
  dialect: Dialect,
  site: CompiledCallSite,
): string {
  const sql = new SqlWriter(dialect);
  const passesNaN = binding.inputs.map((input) => input.optional && input.elementType.startsWith("float"));
  const byInput = new Map(binding.inputs.map((input, index) => [input.parameter.input, index]));
  const compiled = compileGraph(
    graph,
    (name) => {
      const index = byInput.get(name);
      if (index === undefined) throw unsupported(`the model input ${name}, which no parameter feeds`);
      const value = site.argument(index);
      return passesNaN[index] ? `coalesce(${sql.cast(value, "DOUBLE")}, ${sql.number(Number.NaN)})` : value;
    },
    dialect,
  );
  const output = (name: string | undefined, what: string) => {
    const columns = name ? compiled.outputs.get(name) : undefined;
    if (!columns) throw unsupported(`a graph whose ${what} output has no SQL form`);
    return columns;
  };
  const label = () => {
    const [column] = output(binding.labelOutput?.name, "label");
    return sql.cast(column as string, binding.labelType === "STRING" ? "STRING" : "BIGINT");
  };
  const probabilities = () => {
    const columns = output(binding.probabilityOutput?.name, "probability");
    if (columns.length < binding.classLabels.length)
      throw unsupported(
        `a probability output of ${columns.length} columns for ${binding.classLabels.length} classes`,
      );
    return columns;
  };
  let value: string;
  switch (binding.definition.returns.kind) {
    case "probability":
      value = sql.cast(probabilities()[binding.classIndex] as string, "DOUBLE");
      break;
    case "label":
      value = label();
      break;
    case "struct": {
      const columns = probabilities();
      value = dialect.sqlStruct([
        { name: "label", value: label() },
        {
          name: "probabilities",
          value: dialect.sqlMap(
            binding.classLabels.map((key, index) => ({
              key: sql.text(key),
              value: sql.cast(columns[index] as string, "DOUBLE"),
            })),
          ),
        },
        { name: "model", value: sql.text(binding.version.name) },
        {
          name: "version",
          value: sql.cast(
            binding.version.artifactReference ? "NULL" : String(binding.version.version),
            "INT",
          ),
        },
      ]);
      break;
    }
  }
  const blocking = binding.inputs.flatMap((input, index) =>
    passesNaN[index] ? [] : [{ name: input.parameter.name, value: site.argument(index) }],
  );
  const whole = site.wholeArgument ? [{ name: undefined, value: site.wholeArgument }] : [];
  const checks = [...whole, ...blocking];
  if (checks.length === 0) return value;
  if (binding.definition.onNull === "return_null") {
    return `CASE WHEN ${checks.map((check) => `${check.value} IS NULL`).join(" OR ")} THEN NULL ELSE ${value} END`;
  }
  const failures = checks.map((check) => `WHEN ${check.value} IS NULL THEN ${site.failOnNull(check.name)}`);
  return `CASE ${failures.join(" ")} ELSE ${value} END`;
}
