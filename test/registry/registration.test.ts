import { cpSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelSqlError } from "../../src/errors.js";
import type { Workspace } from "../../src/workspace.js";
import {
  GRADIENT_BOOSTED_TREES_DIRECTORY,
  LOGISTIC_REGRESSION_DIRECTORY,
  ZIPMAP_MODEL_FILE,
} from "../helpers/example-data.js";
import { temporaryWorkspace } from "../helpers/temporary-workspace.js";

let workspace: Workspace;
let directory: string;
let cleanup: () => void;

beforeEach(() => {
  ({ workspace, directory, cleanup } = temporaryWorkspace());
});
afterEach(() => cleanup());

function scratchFile(name: string, contents: Uint8Array | string): string {
  const file = path.join(directory, "..", name);
  writeFileSync(file, contents);
  return file;
}

/** Everything a registration could change: the models, their versions, and the files on disk. */
async function registryState() {
  const models = await workspace.registry.listModels();
  const versions = await Promise.all(models.map((model) => workspace.registry.listVersions(model.name)));
  return {
    models: models.map((model) => [model.name, model.versionCount]),
    versions: versions.flat().map((version) => [version.name, version.version, version.artifactHash]),
    artifacts: readdirSync(path.join(directory, "artifacts")).sort(),
    staging: readdirSync(path.join(directory, "staging")),
  };
}

async function expectRefused(modelPath: string, detail: RegExp): Promise<void> {
  const before = await registryState();
  const attempt = workspace.registry.registerVersion({
    name: "main.ml.churn",
    path: modelPath,
    principal: "admin",
  });
  await expect(attempt).rejects.toBeInstanceOf(ModelSqlError);
  await expect(attempt).rejects.toMatchObject({ errorClass: "MODEL_INVALID" });
  await expect(attempt).rejects.toThrow(detail);
  expect(await registryState()).toEqual(before);
}

describe("registering model versions", () => {
  it("registers both example models as versions 1 and 2 with their named raw-column inputs", async () => {
    const first = await workspace.registry.registerVersion({
      name: "Main.ML.Churn",
      path: LOGISTIC_REGRESSION_DIRECTORY,
      description: "logistic regression",
      tags: { family: "linear" },
      principal: "admin",
    });
    const second = await workspace.registry.registerVersion({
      name: "main.ml.churn",
      path: GRADIENT_BOOSTED_TREES_DIRECTORY,
      principal: "admin",
    });
    expect([first.name, first.version, second.version]).toEqual(["main.ml.churn", 1, 2]);
    expect(first.tags).toEqual({ family: "linear" });
    expect(first.createdBy).toBe("admin");
    expect(second.signature?.source).toBe("MLmodel");
    const inputs = second.modelInterface.inputs.map((input) => [input.name, input.elementType]);
    expect(inputs).toContainEqual(["Contract", "string"]);
    expect(inputs).toContainEqual(["tenure", "int64"]);
    expect(inputs).toContainEqual(["TotalCharges", "float32"]);
    expect(inputs).toHaveLength(19);
    const totalCharges = second.signature?.inputs.find((spec) => spec.name === "TotalCharges");
    expect(totalCharges).toMatchObject({ type: "float", required: false });
    expect(second.modelInterface.classLabels).toEqual([0, 1]);
  });

  it("copies the artifact into the workspace under its content hash, so the source may change", async () => {
    const source = path.join(directory, "..", "model-copy");
    cpSync(LOGISTIC_REGRESSION_DIRECTORY, source, { recursive: true });
    const version = await workspace.registry.registerVersion({
      name: "main.ml.churn",
      path: source,
      principal: "admin",
    });
    const stored = readFileSync(path.join(version.artifactDirectory, "model.onnx"));
    writeFileSync(path.join(source, "model.onnx"), "overwritten");
    expect(readFileSync(path.join(version.artifactDirectory, "model.onnx"))).toEqual(stored);
    expect(path.basename(version.artifactDirectory)).toBe(version.artifactHash);
    expect(version.artifactHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("registers a bare ONNX file with a signature read off its graph", async () => {
    const version = await workspace.registry.registerVersion({
      name: "main.ml.churn_zipmap",
      path: ZIPMAP_MODEL_FILE,
      principal: "admin",
    });
    expect(version.signature?.source).toBe("onnx-graph");
    expect(version.signature?.outputs.map((spec) => spec.name)).toEqual([
      "output_label",
      "output_probability",
    ]);
    expect(version.modelInterface.outputs[1]).toMatchObject({
      elementType: "float32",
      rewrittenFromZipMap: true,
    });
    expect(version.modelInterface.inputs[0]?.shape).toEqual([null, 1]);
  });

  it("refuses a corrupt ONNX file and leaves the registry unchanged", async () => {
    await workspace.registry.registerVersion({
      name: "main.ml.churn",
      path: LOGISTIC_REGRESSION_DIRECTORY,
      principal: "admin",
    });
    const bytes = readFileSync(path.join(GRADIENT_BOOSTED_TREES_DIRECTORY, "model.onnx"));
    await expectRefused(
      scratchFile("truncated.onnx", bytes.subarray(0, bytes.length / 2)),
      /not a model ONNX Runtime can load/,
    );
  });

  it("refuses an empty file and leaves the registry unchanged", async () => {
    await expectRefused(scratchFile("empty.onnx", ""), /is empty/);
  });

  it("refuses a file that is not ONNX at all and leaves the registry unchanged", async () => {
    await workspace.registry.registerVersion({
      name: "main.ml.churn",
      path: LOGISTIC_REGRESSION_DIRECTORY,
      principal: "admin",
    });
    await expectRefused(
      scratchFile("notes.onnx", "customer_id,churn\n1,0\n"),
      /not a model ONNX Runtime can load/,
    );
  });

  it("refuses an MLflow model without an onnx flavor, naming the flavors it has", async () => {
    const model = path.join(directory, "..", "sklearn-model");
    mkdirSync(model);
    writeFileSync(
      path.join(model, "MLmodel"),
      "flavors:\n  sklearn:\n    pickled_model: model.pkl\n  python_function:\n    loader_module: mlflow.sklearn\n",
    );
    writeFileSync(path.join(model, "model.pkl"), "not really a pickle");
    await expectRefused(model, /without an onnx flavor \(its flavors: sklearn, python_function\)/);
  });

  it("refuses a directory without an MLmodel file and a path that does not exist", async () => {
    const empty = path.join(directory, "..", "empty-directory");
    mkdirSync(empty);
    await expectRefused(empty, /without an MLmodel file/);
    await expectRefused(path.join(directory, "..", "missing.onnx"), /does not exist/);
  });

  it("refuses a signature that names inputs the graph does not have", async () => {
    const model = path.join(directory, "..", "renamed-signature");
    cpSync(LOGISTIC_REGRESSION_DIRECTORY, model, { recursive: true });
    const mlmodel = path.join(model, "MLmodel");
    writeFileSync(
      mlmodel,
      readFileSync(mlmodel, "utf8").replace('"name": "tenure"', '"name": "tenure_months"'),
    );
    await expectRefused(model, /naming inputs the ONNX graph does not have: tenure_months/);
  });

  it("refuses a signature whose params are not valid JSON", async () => {
    const model = path.join(directory, "..", "bad-params");
    cpSync(LOGISTIC_REGRESSION_DIRECTORY, model, { recursive: true });
    const mlmodel = path.join(model, "MLmodel");
    writeFileSync(mlmodel, readFileSync(mlmodel, "utf8").replace("  params: null", `  params: '[{"name": '`));
    await expectRefused(model, /params are not valid JSON/);
  });

  it("refuses a model name that is not three-level", async () => {
    const attempt = workspace.registry.registerVersion({
      name: "churn",
      path: LOGISTIC_REGRESSION_DIRECTORY,
      principal: "admin",
    });
    await expect(attempt).rejects.toMatchObject({ errorClass: "INVALID_PARAMETER_VALUE" });
    expect((await registryState()).models).toEqual([]);
  });
});

describe("staging left by a killed registration", () => {
  it("is removed once it is old, while a young one (another process at work) is kept", async () => {
    const staging = path.join(directory, "staging");
    const abandoned = path.join(staging, "abandoned");
    const young = path.join(staging, "young");
    mkdirSync(abandoned);
    mkdirSync(young);
    writeFileSync(path.join(abandoned, "model.onnx"), "half a model");
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(abandoned, twoDaysAgo, twoDaysAgo);
    await workspace.registry.registerVersion({
      name: "main.ml.churn",
      path: LOGISTIC_REGRESSION_DIRECTORY,
      principal: "admin",
    });
    expect(readdirSync(staging)).toEqual(["young"]);
  });
});
