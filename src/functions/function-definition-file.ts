import { readFileSync } from "node:fs";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { canonicalThreeLevelName } from "../catalog/three-level-name.js";
import { describeCause, ModelSqlError } from "../errors.js";
import { parseModelUri } from "../registry/model-uri.js";
import type { FunctionDefinition } from "./function-definition.js";
import { PARAMETER_TYPES, parseParameterType } from "./sql-types.js";

/** SQL identifiers a parameter may be called: they become DuckDB macro parameters and STRUCT fields. */
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const parameterSchema = z.strictObject({
  name: z.string().regex(PARAMETER_NAME, "must be a SQL identifier: letters, digits and underscores"),
  type: z.string().refine((text) => parseParameterType(text) !== undefined, {
    message: `must be one of ${PARAMETER_TYPES.join(", ")}`,
  }),
  input: z.string().min(1).optional(),
});

const returnsSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("probability"), class: z.union([z.string(), z.number()]) }),
  z.strictObject({ kind: z.literal("label") }),
  z.strictObject({ kind: z.literal("struct") }),
]);

const definitionSchema = z.strictObject({
  name: z.string(),
  description: z.string().default(""),
  model: z.string(),
  parameters: z.array(parameterSchema).min(1),
  returns: returnsSchema,
  on_null: z.enum(["return_null", "fail"]).default("return_null"),
  route: z.enum(["auto", "onnx", "sql"]).default("auto"),
  databricks: z
    .strictObject({
      route: z.enum(["uc_function", "ai_query", "sql"]).optional(),
      // Model Serving endpoint names: letters, digits, dashes and underscores, at most 63.
      endpoint: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,63}$/, "must be 1 to 63 letters, digits, dashes or underscores")
        .optional(),
    })
    .optional(),
});

function fieldPath(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? "the top level"
    : path
        .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
        .join("")
        .slice(1);
}

function invalid(file: string, field: string, problem: string): ModelSqlError {
  return new ModelSqlError("INVALID_PARAMETER_VALUE", `${file}: ${field} ${problem}`, {
    hint: "See udfs/README.md for the fields of a function definition.",
  });
}

/** Validates a parsed definition document; `file` names it in messages. */
export function definitionFromDocument(document: unknown, file: string): FunctionDefinition {
  const parsed = definitionSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(file, fieldPath(issue?.path ?? []), issue?.message ?? "is invalid");
  }
  const value = parsed.data;
  let name: string;
  try {
    name = canonicalThreeLevelName(value.name, "function");
  } catch (error) {
    throw invalid(
      file,
      "name",
      describeCause(error)
        .replace(/^\[[A-Z_]+\] /, "")
        .replace(/ SQLSTATE.*$/, ""),
    );
  }
  const model = value.model.startsWith("models:/") ? value.model : `models:/${value.model}`;
  try {
    parseModelUri(model);
  } catch (error) {
    throw invalid(
      file,
      "model",
      `is not a model URI (${describeCause(error)}); for example models:/main.ml.churn@champion`,
    );
  }
  const seen = new Set<string>();
  value.parameters.forEach((parameter, index) => {
    const key = parameter.name.toLowerCase();
    if (seen.has(key))
      throw invalid(file, `parameters[${index}].name`, `repeats the parameter '${parameter.name}'`);
    seen.add(key);
  });
  return {
    name,
    model,
    description: value.description,
    onNull: value.on_null,
    parameters: value.parameters.map((parameter) => ({
      name: parameter.name,
      // biome-ignore lint/style/noNonNullAssertion: the schema's refine accepted it.
      type: parseParameterType(parameter.type)!,
      input: parameter.input ?? parameter.name,
    })),
    returns:
      value.returns.kind === "probability"
        ? { kind: "probability", classLabel: String(value.returns.class) }
        : value.returns,
    ...(value.route !== "auto" ? { route: value.route } : {}),
    ...(value.databricks
      ? {
          databricks: {
            route: value.databricks.route ?? (value.route === "sql" ? "sql" : "uc_function"),
            ...(value.databricks.endpoint ? { endpoint: value.databricks.endpoint } : {}),
          },
        }
      : {}),
  };
}

/** Reads and validates a udfs/*.yaml file. */
export function readFunctionDefinitionFile(file: string): FunctionDefinition {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `Cannot read '${file}': ${describeCause(error)}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : "";
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `${file} is not valid YAML${where}: ${describeCause(error).split("\n")[0]}`,
    );
  }
  return definitionFromDocument(document, file);
}
