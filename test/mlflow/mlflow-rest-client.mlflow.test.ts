import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MlflowRestClient } from "../../src/registry/mlflow/mlflow-rest-client.js";
import { EXAMPLE_MODELS, REPOSITORY_ROOT } from "../helpers/example-data.js";
import { type MlflowServerFixture, registerExampleModels, startMlflowServer } from "./mlflow-server.js";

/**
 * The typed MLflow REST client against a real MLflow server (pinned in requirements.txt), whose
 * registry was filled by MLflow's own Python client as a data scientist would fill it.
 */
let server: MlflowServerFixture;
let client: MlflowRestClient;
let registered: { runs: string[]; versions: number[] };

beforeAll(async () => {
  server = await startMlflowServer();
  registered = await registerExampleModels(server, REPOSITORY_ROOT);
  client = new MlflowRestClient({ url: server.url });
}, 600_000);
afterAll(async () => {
  await server?.stop();
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("the MLflow registry, read through the REST client", () => {
  it("reads the registered model with its aliases", async () => {
    const model = await client.getRegisteredModel("main.ml.churn");
    expect(model.name).toBe("main.ml.churn");
    expect(Object.fromEntries((model.aliases ?? []).map((entry) => [entry.alias, entry.version]))).toEqual({
      champion: registered.versions[1],
      challenger: registered.versions[0],
    });
  });

  it("resolves versions by number, by alias and by stage, with their runs and sources", async () => {
    expect(registered.versions).toEqual([1, 2]);
    const first = await client.getModelVersion("main.ml.churn", 1);
    expect(first).toMatchObject({
      name: "main.ml.churn",
      version: 1,
      run_id: registered.runs[0],
      current_stage: "Production",
    });
    const champion = await client.getModelVersionByAlias("main.ml.churn", "champion");
    expect(champion.version).toBe(2);
    expect(champion.aliases).toEqual(["champion"]);
    const versions = await client.listVersions("main.ml.churn");
    expect(versions.map((version) => [version.version, version.current_stage])).toEqual([
      [1, "Production"],
      [2, "None"],
    ]);
  });

  it("downloads a version's files byte for byte", async () => {
    const uri = await client.getDownloadUri("main.ml.churn", 2);
    expect(uri).toMatch(/^mlflow-artifacts:\//);
    const directory = uri.replace(/^mlflow-artifacts:\/+/, "");
    const files = await client.listArtifacts(directory);
    expect(files.map((file) => file.path).sort()).toContain("model.onnx");
    const onnx = await client.downloadArtifact(`${directory}/model.onnx`);
    expect(sha256(onnx)).toBe(sha256(readFileSync(path.join(EXAMPLE_MODELS, "churn_gbt/model.onnx"))));
  });

  it("maps MLflow's errors to the project's classes, naming the server", async () => {
    await expect(client.getRegisteredModel("main.ml.nothing")).rejects.toThrow(
      new RegExp(
        `^\\[MODEL_NOT_FOUND\\] MLflow at ${server.url.replaceAll(".", "\\.")}: RESOURCE_DOES_NOT_EXIST: `,
      ),
    );
    await expect(client.getModelVersion("main.ml.churn", 9)).rejects.toThrow(
      /^\[MODEL_VERSION_NOT_FOUND\] .*RESOURCE_DOES_NOT_EXIST/,
    );
    await expect(client.getModelVersionByAlias("main.ml.churn", "nobody")).rejects.toThrow(
      /^\[MODEL_VERSION_NOT_FOUND\]/,
    );
    const unreachable = new MlflowRestClient({ url: "http://127.0.0.1:9" }, 2000);
    await expect(unreachable.getRegisteredModel("main.ml.churn")).rejects.toThrow(
      /^\[CONNECTION_FAILED\] Cannot reach the MLflow server at http:\/\/127\.0\.0\.1:9/,
    );
  });
});
