import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { ModelSqlError } from "../../src/errors.js";
import { readFunctionDefinitionFile } from "../../src/functions/function-definition-file.js";
import { REPOSITORY_ROOT } from "../helpers/example-data.js";

const directory = mkdtempSync(path.join(tmpdir(), "modelsql-udfs-"));

function fileWith(name: string, text: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return file;
}

function problem(file: string): ModelSqlError {
  try {
    readFunctionDefinitionFile(file);
  } catch (error) {
    if (error instanceof ModelSqlError) return error;
    throw error;
  }
  throw new Error("expected the definition to be refused");
}

const VALID = `name: Main.ML.Predict_Churn
model: main.ml.churn@champion
returns: { kind: probability, class: 1 }
parameters:
  - { name: tenure, type: bigint }
  - { name: monthly_charges, type: DOUBLE, input: MonthlyCharges }
`;

it("reads the repository's own definitions", () => {
  const definition = readFunctionDefinitionFile(path.join(REPOSITORY_ROOT, "udfs/predict_churn.yaml"));
  expect(definition.name).toBe("main.ml.predict_churn");
  expect(definition.model).toBe("models:/main.ml.churn@champion");
  expect(definition.parameters).toHaveLength(19);
  expect(definition.parameters[1]).toEqual({
    name: "senior_citizen",
    type: "BIGINT",
    input: "SeniorCitizen",
  });
  expect(definition.returns).toEqual({ kind: "probability", classLabel: "1" });
  expect(definition.onNull).toBe("return_null");
});

it("normalizes names, types, the model URI and defaults", () => {
  const definition = readFunctionDefinitionFile(fileWith("valid.yaml", VALID));
  expect(definition.name).toBe("main.ml.predict_churn");
  expect(definition.model).toBe("models:/main.ml.churn@champion");
  expect(definition.parameters).toEqual([
    { name: "tenure", type: "BIGINT", input: "tenure" },
    { name: "monthly_charges", type: "DOUBLE", input: "MonthlyCharges" },
  ]);
  expect(definition.onNull).toBe("return_null");
  expect(definition.description).toBe("");
});

it.each([
  [
    "a parameter type",
    VALID.replace("type: bigint", "type: DECIMAL"),
    "parameters[0].type must be one of BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, STRING",
  ],
  ["a missing field", VALID.replace("model: main.ml.churn@champion\n", ""), "model"],
  ["an unknown field", `${VALID}colour: blue\n`, "colour"],
  ["the return kind", VALID.replace("kind: probability, class: 1", "kind: histogram"), "returns.kind"],
  ["a two-part name", VALID.replace("Main.ML.Predict_Churn", "ml.predict_churn"), "name"],
  [
    "a repeated parameter",
    VALID.replace("monthly_charges, type", "tenure, type"),
    "parameters[1].name repeats the parameter 'tenure'",
  ],
  [
    "a parameter name that is not an identifier",
    VALID.replace("name: tenure", "name: ten ure"),
    "parameters[0].name must be a SQL identifier",
  ],
  ["the NULL policy", `${VALID}on_null: ignore\n`, "on_null"],
  ["the model URI", VALID.replace("main.ml.churn@champion", "main.ml.churn"), "model is not a model URI"],
])("names the file and the field when %s is wrong", (_what, text, expected) => {
  const file = fileWith(`bad-${Math.random().toString(36).slice(2)}.yaml`, text);
  const error = problem(file);
  expect(error.errorClass).toBe("INVALID_PARAMETER_VALUE");
  expect(error.message).toContain(file);
  expect(error.message).toContain(expected);
});

it("reports YAML syntax errors with their line", () => {
  const error = problem(fileWith("syntax.yaml", "name: [unclosed\nmodel: x\n"));
  expect(error.message).toMatch(/is not valid YAML at line \d+/);
});
