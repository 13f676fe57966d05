import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GRADIENT_BOOSTED_TREES_DIRECTORY,
  LOGISTIC_REGRESSION_DIRECTORY,
  REPOSITORY_ROOT,
} from "../helpers/example-data.js";
import { runCli } from "../helpers/run-cli.js";

let parent: string;
let workspace: string;

beforeAll(() => {
  parent = mkdtempSync(path.join(tmpdir(), "modelsql-cli-"));
  workspace = path.join(parent, "workspace");
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

async function succeed(...args: string[]): Promise<string> {
  const run = await runCli(workspace, args);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

describe("modelsql init and models, as a user runs them", () => {
  it("a command before init says there is no workspace and how to make one", async () => {
    const run = await runCli(workspace, ["models", "list"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^\[WORKSPACE_NOT_FOUND\] There is no modelsql workspace at '.*'\. Create one with `modelsql init`/,
    );
  });

  it("init creates the workspace once and keeps it after", async () => {
    expect(await succeed("init")).toMatch(/^Created workspace /);
    expect(await succeed("init")).toMatch(/already exists; nothing changed/);
  });

  it("init refuses a registry cache time out of range and creates nothing", async () => {
    const elsewhere = path.join(parent, "refused");
    for (const value of ["-1", "3601", "soon"]) {
      const run = await runCli(elsewhere, [
        "init",
        "--registry",
        "http://127.0.0.1:5000",
        "--registry-cache",
        value,
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^\[INVALID_PARAMETER_VALUE\] A registry cache time of .* seconds is out of range: give 0 \(ask MLflow on every statement\) to 3600/,
      );
    }
    expect(readdirSync(parent)).not.toContain("refused");
  });

  it("registers both example models and describes version 2 with its named raw-column inputs", async () => {
    expect(
      await succeed(
        "models",
        "register",
        "main.ml.churn",
        LOGISTIC_REGRESSION_DIRECTORY,
        "--tag",
        "family=linear",
      ),
    ).toMatch(/^Registered main\.ml\.churn version 1 /);
    expect(
      await succeed(
        "models",
        "register",
        "main.ml.churn",
        GRADIENT_BOOSTED_TREES_DIRECTORY,
        "--description",
        "trees",
      ),
    ).toMatch(/^Registered main\.ml\.churn version 2 /);

    const described = JSON.parse(await succeed("models", "describe", "main.ml.churn/2", "--format", "json"));
    expect(described.version).toBe(2);
    expect(described.description).toBe("trees");
    expect(described.modelInterface.inputs.map((input: { name: string }) => input.name)).toEqual([
      "gender",
      "Partner",
      "Dependents",
      "PhoneService",
      "MultipleLines",
      "InternetService",
      "OnlineSecurity",
      "OnlineBackup",
      "DeviceProtection",
      "TechSupport",
      "StreamingTV",
      "StreamingMovies",
      "Contract",
      "PaperlessBilling",
      "PaymentMethod",
      "SeniorCitizen",
      "tenure",
      "MonthlyCharges",
      "TotalCharges",
    ]);

    const table = await succeed("models", "describe", "main.ml.churn/2");
    expect(table).toMatch(/Contract\s+string\s+\[\?\]\s+string\s+yes/);
    expect(table).toMatch(/TotalCharges\s+float32\s+\[\?\]\s+float\s+no/);
    expect(table).toMatch(/probabilities\s+float32\s+\[\?, 2\]\s+classes: 0, 1/);
  });

  it("moves aliases and stages, and describe resolves every URI form", async () => {
    await succeed("models", "alias", "set", "main.ml.churn", "champion", "2");
    await succeed("models", "stage", "main.ml.churn", "1", "production");
    const versionOf = async (target: string) =>
      JSON.parse(await succeed("models", "describe", target, "--format", "json")).version;
    expect(await versionOf("models:/main.ml.churn@champion")).toBe(2);
    expect(await versionOf("main.ml.churn@champion")).toBe(2);
    expect(await versionOf("models:/main.ml.churn/Production")).toBe(1);
    expect(await versionOf("models:/main.ml.churn/latest")).toBe(2);

    const listed = JSON.parse(await succeed("models", "list", "--format", "json"));
    expect(listed).toMatchObject([
      { name: "main.ml.churn", versionCount: 2, latestVersion: 2, aliases: { champion: 2 } },
    ]);
  });

  it("errors carry their class, go to stderr, exit 1, and have a JSON form", async () => {
    const missing = await runCli(workspace, ["models", "describe", "main.ml.churn@gold"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^\[MODEL_VERSION_NOT_FOUND\] Model 'main.ml.churn' has no alias 'gold'/);

    const json = await runCli(workspace, ["models", "describe", "main.ml.churn/7", "--format", "json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toMatchObject({
      error: { error_class: "MODEL_VERSION_NOT_FOUND", sqlstate: "42704" },
    });

    const reserved = await runCli(workspace, ["models", "alias", "set", "main.ml.churn", "v2", "2"]);
    expect(reserved.stderr).toMatch(/^\[INVALID_PARAMETER_VALUE\] Version alias name 'v2' is reserved/);
    const badVersion = await runCli(workspace, ["models", "alias", "set", "main.ml.churn", "gold", "two"]);
    expect(badVersion.stderr).toMatch(/Model version must be a positive integer, got 'two'/);
  });

  it("a refused registration exits 1 with MODEL_INVALID and leaves the workspace as it was", async () => {
    const artifactsBefore = readdirSync(path.join(workspace, "artifacts")).sort();
    const bogus = path.join(parent, "bogus.onnx");
    writeFileSync(bogus, "this is not a model");
    const run = await runCli(workspace, ["models", "register", "main.ml.churn", bogus]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\[MODEL_INVALID\] '.*bogus\.onnx' is not a model ONNX Runtime can load/);
    expect(readdirSync(path.join(workspace, "artifacts")).sort()).toEqual(artifactsBefore);
    expect(readdirSync(path.join(workspace, "staging"))).toEqual([]);
    const listed = JSON.parse(await succeed("models", "list", "--format", "json"));
    expect(listed[0].versionCount).toBe(2);
  });

  it("a command line commander cannot parse exits 2 with usage help", async () => {
    const run = await runCli(workspace, ["models", "register", "main.ml.churn"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing required argument 'path'/);
  });
});

describe("compiled SQL from the command line", () => {
  it("register reports the parity check; describe shows it", async () => {
    const svm = path.join(REPOSITORY_ROOT, "test/fixtures/models/compile/churn_svm.onnx");
    const registered = await succeed("models", "register", "main.ml.churn_svm", svm);
    expect(registered).toMatch(
      /\nCompiled SQL route: unsupported: no compiled SQL: The ONNX operator ai\.onnx\.ml\.SVMClassifier has no SQL form in modelsql yet\.\n$/,
    );
    const described = await succeed("models", "describe", "main.ml.churn/1");
    expect(described).toMatch(
      /Compiled SQL: +passed: compiled SQL equal to ONNX Runtime on 10,004 rows \(largest difference [\d.]+e-\d+\); timed over 100,040 rows: compiled SQL [\d,]+ rows\/s, ONNX UDF [\d,]+ rows\/s/,
    );
  });

  it("compile prints the check and each output's SQL for both dialects", async () => {
    const printed = await succeed("models", "compile", "main.ml.churn/1");
    expect(printed).toMatch(/^main\.ml\.churn\/1: passed: compiled SQL equal to ONNX Runtime on 10,004 rows/);
    for (const dialect of ["duckdb", "databricks"]) {
      for (const output of ["label", "probabilities[0]", "probabilities[1]"])
        expect(printed).toContain(
          `\n-- ${dialect}: output ${output}, over columns named as the model's inputs\n`,
        );
    }
    // Each dialect quotes the model's input names its own way.
    expect(printed).toContain(`CASE WHEN "gender" = 'Female' THEN 1e0 ELSE 0e0 END`);
    expect(printed).toContain("CASE WHEN `gender` = 'Female' THEN 1e0 ELSE 0e0 END");
    const json = JSON.parse(
      await succeed("models", "compile", "main.ml.churn/2", "--no-sql", "--format", "json"),
    );
    expect(json.check.outcome).toBe("passed");
    expect(json.check.sampleRows).toBe(10_004);
    expect(json.sql).toEqual([]);
  });

  it("compile names a version, not a model, and a model without SQL form says why", async () => {
    const bare = await runCli(workspace, ["models", "compile", "main.ml.churn"]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(
      /^\[INVALID_PARAMETER_VALUE\] 'main\.ml\.churn' names a model, not one version\./,
    );
    expect(await succeed("models", "compile", "main.ml.churn_svm/1")).toMatch(
      /^main\.ml\.churn_svm\/1: unsupported: no compiled SQL: The ONNX operator ai\.onnx\.ml\.SVMClassifier/,
    );
  });
});
