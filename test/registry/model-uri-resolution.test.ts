import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatModelReference, parseModelUri } from "../../src/registry/model-uri.js";
import { resolveModelUri } from "../../src/registry/model-uri-resolution.js";
import type { Workspace } from "../../src/workspace.js";
import { GRADIENT_BOOSTED_TREES_DIRECTORY, LOGISTIC_REGRESSION_DIRECTORY } from "../helpers/example-data.js";
import { temporaryWorkspace } from "../helpers/temporary-workspace.js";

let workspace: Workspace;
let cleanup: () => void;

/** Versions 1 (Production), 2 (Staging, @champion), 3 (None, @challenger) of main.ml.churn. */
beforeAll(async () => {
  ({ workspace, cleanup } = temporaryWorkspace());
  const { registry } = workspace;
  for (const path of [
    LOGISTIC_REGRESSION_DIRECTORY,
    GRADIENT_BOOSTED_TREES_DIRECTORY,
    LOGISTIC_REGRESSION_DIRECTORY,
  ]) {
    await registry.registerVersion({ name: "main.ml.churn", path, principal: "admin" });
  }
  await registry.transitionStage("main.ml.churn", 1, "Production", false);
  await registry.transitionStage("main.ml.churn", 2, "Staging", false);
  await registry.setAlias("main.ml.churn", "champion", 2);
  await registry.setAlias("main.ml.churn", "challenger", 3);
});
afterAll(() => cleanup());

async function resolvedVersion(uri: string): Promise<number> {
  return (await resolveModelUri(workspace.registry, uri)).version;
}

describe("model URIs parse as MLflow parses them", () => {
  it.each([
    ["models:/main.ml.churn/3", { kind: "version", name: "main.ml.churn", version: 3 }],
    ["models:/main.ml.churn@champion", { kind: "alias", name: "main.ml.churn", alias: "champion" }],
    ["models:/main.ml.churn/Production", { kind: "stage", name: "main.ml.churn", stage: "Production" }],
    ["models:/main.ml.churn/latest", { kind: "latest", name: "main.ml.churn" }],
    ["models:/main.ml.churn/LATEST", { kind: "latest", name: "main.ml.churn" }],
    ["models:/MAIN.ml.Churn/1", { kind: "version", name: "main.ml.churn", version: 1 }],
  ])("%s", (uri, expected) => {
    expect(parseModelUri(uri)).toEqual(expected);
  });

  it.each([
    "model:/main.ml.churn/1",
    "models:main.ml.churn/1",
    "models:/",
    "models:/main.ml.churn/1/2",
    "models:/main.ml.churn/",
    "models:/main.ml.churn@",
    "models:/main.ml.churn@champion/1",
  ])("refuses %s", (uri) => {
    expect(() => parseModelUri(uri)).toThrow(/INVALID_PARAMETER_VALUE/);
  });

  it("explains what a models:/<id> that is no logged model ID lacks", () => {
    expect(() => parseModelUri("models:/m-1234")).toThrow(
      /names no version, alias or stage, and is not a logged model ID/,
    );
  });

  it.each([
    [
      "runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/model",
      { kind: "run", runId: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", path: "model" },
    ],
    [
      "runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/exported/churn.onnx",
      { kind: "run", runId: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", path: "exported/churn.onnx" },
    ],
    [
      "models:/m-99a4e9b3f03642d587899d08e5d1b42b",
      { kind: "logged-model", modelId: "m-99a4e9b3f03642d587899d08e5d1b42b" },
    ],
  ])("%s names an artifact no registered version stands for", (uri, expected) => {
    expect(parseModelUri(uri)).toEqual(expected);
    expect(formatModelReference(parseModelUri(uri))).toBe(uri);
  });

  it.each([
    "runs:/",
    "runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/",
    "runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/../other/model",
    "runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/model//x",
    "runs:/not a run/model",
  ])("refuses %s, saying what a runs:/ URI holds", (uri) => {
    expect(() => parseModelUri(uri)).toThrow(
      /^\[INVALID_PARAMETER_VALUE\] Not a proper runs:\/ URI: .*'runs:\/<run id>\/<path>'/,
    );
  });
});

describe("artifacts no registered version stands for, in the local registry", () => {
  it.each([
    ["runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/model", "run's artifacts"],
    ["models:/m-99a4e9b3f03642d587899d08e5d1b42b", "logged model"],
  ])("%s is refused, saying how to bind a registered version instead", async (uri, what) => {
    await expect(resolveModelUri(workspace.registry, uri)).rejects.toThrow(
      new RegExp(
        `^\\[UNSUPPORTED_FEATURE\\] ${uri.replaceAll("/", "\\/")} names an MLflow ${what}, and this workspace's own registry keeps no runs`,
      ),
    );
  });
});

describe("model URIs resolve as MLflow resolves them", () => {
  it("a version number is that version", async () => {
    expect(await resolvedVersion("models:/main.ml.churn/1")).toBe(1);
  });

  it("an alias is the version it points to, and @latest the newest version", async () => {
    expect(await resolvedVersion("models:/main.ml.churn@champion")).toBe(2);
    expect(await resolvedVersion("models:/main.ml.churn@challenger")).toBe(3);
    expect(await resolvedVersion("models:/main.ml.churn@latest")).toBe(3);
  });

  it("a stage is the newest version in that stage, matched in any case", async () => {
    expect(await resolvedVersion("models:/main.ml.churn/Production")).toBe(1);
    expect(await resolvedVersion("models:/main.ml.churn/staging")).toBe(2);
    expect(await resolvedVersion("models:/main.ml.churn/None")).toBe(3);
  });

  it("latest is the newest version whatever its stage", async () => {
    expect(await resolvedVersion("models:/main.ml.churn/latest")).toBe(3);
  });

  it("a missing version, alias, stage or model is an error naming it", async () => {
    await expect(resolvedVersion("models:/main.ml.churn/9")).rejects.toThrow(
      /\[MODEL_VERSION_NOT_FOUND\] Model 'main.ml.churn' has no version 9 \(its versions: 1, 2, 3\)/,
    );
    await expect(resolvedVersion("models:/main.ml.churn@gold")).rejects.toThrow(
      /\[MODEL_VERSION_NOT_FOUND\] Model 'main.ml.churn' has no alias 'gold' \(its aliases: challenger -> 3, champion -> 2\)/,
    );
    await expect(resolvedVersion("models:/main.ml.churn/Archived")).rejects.toThrow(
      /\[MODEL_VERSION_NOT_FOUND\] No version of model 'main.ml.churn' is in stage 'Archived'/,
    );
    await expect(resolvedVersion("models:/main.ml.churn/Prod")).rejects.toThrow(
      /\[INVALID_PARAMETER_VALUE\] Invalid model version stage: 'Prod'/,
    );
    await expect(resolvedVersion("models:/main.ml.fraud/1")).rejects.toThrow(
      /\[MODEL_NOT_FOUND\] Registered model 'main.ml.fraud' does not exist/,
    );
  });
});
