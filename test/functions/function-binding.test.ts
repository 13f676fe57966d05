import { afterAll, beforeAll, expect, it } from "vitest";
import { ModelSqlError } from "../../src/errors.js";
import { bindFunction } from "../../src/functions/function-binding.js";
import { createFunction } from "../../src/functions/function-creation.js";
import type { ModelVersion } from "../../src/registry/model-registry.js";
import { LOGISTIC_REGRESSION_DIRECTORY } from "../helpers/example-data.js";
import { churnDefinition } from "../helpers/example-session.js";
import { temporaryWorkspace } from "../helpers/temporary-workspace.js";

let context: ReturnType<typeof temporaryWorkspace>;
let version: ModelVersion;

beforeAll(async () => {
  context = temporaryWorkspace();
  version = await context.workspace.registry.registerVersion({
    name: "main.ml.churn",
    path: LOGISTIC_REGRESSION_DIRECTORY,
    principal: "admin",
  });
  await context.workspace.registry.setAlias("main.ml.churn", "champion", 1);
});
afterAll(() => context?.cleanup());

function misfit(overrides: Record<string, unknown>): string {
  try {
    bindFunction(churnDefinition(overrides), version);
  } catch (error) {
    if (error instanceof ModelSqlError && error.errorClass === "MODEL_INVALID") return error.message;
    throw error;
  }
  throw new Error("expected the definition not to fit");
}

const parameters = churnDefinition({}).parameters.map((parameter) => ({ ...parameter }));

it("binds the example definition: inputs, outputs and the class asked for", () => {
  const binding = bindFunction(churnDefinition({}), version);
  expect(binding.inputs).toHaveLength(19);
  expect(binding.inputs.find((input) => input.parameter.name === "total_charges")?.optional).toBe(true);
  expect(binding.inputs.find((input) => input.parameter.name === "tenure")?.optional).toBe(false);
  expect(binding.labelOutput?.name).toBe("label");
  expect(binding.probabilityOutput?.name).toBe("probabilities");
  expect(binding.classLabels).toEqual(["0", "1"]);
  expect(binding.classIndex).toBe(1);
});

it("refuses a parameter feeding an input the model does not have", () => {
  const renamed = parameters.map((parameter) =>
    parameter.name === "tenure" ? { ...parameter, input: "Tenure" } : parameter,
  );
  expect(misfit({ parameters: renamed })).toContain(
    "parameter tenure feeds input 'Tenure', which the model does not have",
  );
});

it("refuses a definition that leaves a model input unfed", () => {
  expect(misfit({ parameters: parameters.filter((parameter) => parameter.name !== "contract") })).toContain(
    "no parameter feeds input 'Contract'",
  );
});

it("refuses a SQL type that cannot feed the input, and suggests one that can", () => {
  const retyped = parameters.map((parameter) =>
    parameter.name === "contract" ? { ...parameter, type: "DOUBLE" } : parameter,
  );
  const message = misfit({ parameters: retyped });
  expect(message).toContain(
    "parameter contract is DOUBLE, which cannot feed input 'Contract' of element type string",
  );
  expect(message).toContain("Declare it as STRING");
});

it("refuses the probability of a class the model does not have", () => {
  expect(misfit({ returns: { kind: "probability", class: "yes" } })).toContain(
    "class yes, which is not one of the model's classes (0, 1)",
  );
});

it("functions create refuses a misfit and stores nothing", async () => {
  const retyped = parameters.map((parameter) =>
    parameter.name === "tenure" ? { ...parameter, type: "STRING" } : parameter,
  );
  await expect(
    createFunction(context.workspace, churnDefinition({ parameters: retyped }), {
      principal: "admin",
      replace: false,
    }),
  ).rejects.toThrow(/MODEL_INVALID/);
  expect(context.workspace.functions.list()).toEqual([]);
});

it("functions create refuses an existing name unless asked to replace it", async () => {
  await createFunction(context.workspace, churnDefinition({}), { principal: "admin", replace: false });
  await expect(
    createFunction(context.workspace, churnDefinition({}), { principal: "admin", replace: false }),
  ).rejects.toThrow(/ROUTINE_ALREADY_EXISTS/);
  const replaced = await createFunction(context.workspace, churnDefinition({ description: "new" }), {
    principal: "admin",
    replace: true,
  });
  expect(replaced.definition.description).toBe("new");
  expect(context.workspace.functions.list()).toHaveLength(1);
});
