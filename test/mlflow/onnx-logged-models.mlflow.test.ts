import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSession } from "../../src/engines/duckdb/local-session.js";
import { createFunction } from "../../src/functions/function-creation.js";
import type { FunctionDefinition } from "../../src/functions/function-definition.js";
import { resolveModelUri } from "../../src/registry/model-uri-resolution.js";
import { initWorkspace, openWorkspace, type Workspace } from "../../src/workspace.js";
import { REPOSITORY_ROOT } from "../helpers/example-data.js";
import { runCli } from "../helpers/run-cli.js";
import { type MlflowServerFixture, setAliasInPython, startMlflowServer } from "./mlflow-server.js";
import { expectRunLine } from "./run-line.js";

/**
 * The workflow of a data scientist on MLflow 3: train_and_log_onnx.py trains with scikit-learn,
 * converts with skl2onnx, logs with mlflow.onnx.log_model (a logged model, `models:/m-...`) and a
 * signature, registers, sets @champion, and logs a second version whose weights MLflow keeps as
 * ONNX external data. Expected values: the script's own ONNX Runtime predictions.
 */
const run = promisify(execFile);
const MODEL = "main.ml.churn_onnx";
let server: MlflowServerFixture;
let parent: string;
let workspace: Workspace;
let session: LocalSession;
let logged: { versions: number[]; runs: string[]; model_ids: string[]; accuracies: number[] };
const expected = new Map<number, Map<string, { label: number; probability: number }>>();

function readPredictions(file: string): Map<string, { label: number; probability: number }> {
  const [, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  return new Map(
    lines.map((line) => {
      const [customer, label, probability] = line.split(",") as [string, string, string];
      return [customer, { label: Number(label), probability: Number(probability) }];
    }),
  );
}

function definition(name: string, model: string): FunctionDefinition {
  return {
    name,
    description: null,
    model,
    returns: { kind: "struct" },
    onNull: "return_null",
    parameters: [
      { name: "tenure", type: "DOUBLE", input: "tenure" },
      { name: "monthly_charges", type: "DOUBLE", input: "MonthlyCharges" },
      { name: "total_charges", type: "DOUBLE", input: "TotalCharges" },
      { name: "contract", type: "STRING", input: "Contract" },
    ],
  } as unknown as FunctionDefinition;
}

/** Scores every customer; the largest probability difference from a version's predictions, and label mismatches. */
async function compareWith(functionName: string, version: number) {
  const rows = await session.queryRows(
    `SELECT customer_id, ${functionName}(tenure, monthly_charges, coalesce(total_charges, 0), contract) AS s FROM main.sales.customers`,
  );
  const want = expected.get(version) as Map<string, { label: number; probability: number }>;
  let largest = 0;
  let mismatches = 0;
  const versions = new Set<unknown>();
  for (const row of rows) {
    const scored = row.s as {
      label: bigint;
      probabilities: { key: string; value: number }[] | Record<string, number>;
      version: unknown;
    };
    const target = want.get(row.customer_id as string);
    if (!target) throw new Error(`no prediction for ${String(row.customer_id)}`);
    const probabilities = Array.isArray(scored.probabilities)
      ? Object.fromEntries(scored.probabilities.map((entry) => [entry.key, entry.value]))
      : scored.probabilities;
    largest = Math.max(largest, Math.abs((probabilities["1"] as number) - target.probability));
    if (Number(scored.label) !== target.label) mismatches += 1;
    versions.add(scored.version);
  }
  return { rows: rows.length, largest, mismatches, versions: [...versions] };
}

beforeAll(async () => {
  server = await startMlflowServer();
  parent = mkdtempSync(path.join(tmpdir(), "modelsql-mlflow-onnx-"));
  const predictions = path.join(parent, "predictions");
  await run("mkdir", ["-p", predictions]);
  const { stdout } = await run(
    path.join(server.venv, "bin", "python"),
    [
      path.join(REPOSITORY_ROOT, "test/mlflow/train_and_log_onnx.py"),
      server.url,
      path.join(REPOSITORY_ROOT, "examples/data/telco_churn.csv"),
      MODEL,
      predictions,
    ],
    { env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: "true" }, maxBuffer: 1 << 22 },
  );
  logged = JSON.parse(stdout.trim().split("\n").pop() as string);
  for (const version of logged.versions) {
    expected.set(version, readPredictions(path.join(predictions, `v${version}.csv`)));
  }
  // Cache time 0: every statement asks MLflow where @champion points.
  initWorkspace(path.join(parent, "workspace"), {
    owner: "admin",
    registry: server.url,
    registryCacheSeconds: 0,
  });
  workspace = openWorkspace(path.join(parent, "workspace"));
  session = await LocalSession.open(workspace, { intraOpThreads: 1 });
  await session.connection.run(
    `SET VARIABLE telco_csv = '${path.join(REPOSITORY_ROOT, "examples/data/telco_churn.csv")}'`,
  );
  await session.queryRows(readFileSync(path.join(REPOSITORY_ROOT, "sql/example/01_customers.sql"), "utf8"));
  await createFunction(workspace, definition("main.ml.churn_score", `models:/${MODEL}@champion`), {
    principal: "admin",
    replace: false,
  });
}, 600_000);
afterAll(async () => {
  session?.close();
  workspace?.close();
  await server?.stop();
  if (parent) rmSync(parent, { recursive: true, force: true });
});

describe("models trained, converted and logged with MLflow's Python client", () => {
  it("the script registered two versions of logged models (models:/m-...), @champion on the first", async () => {
    expect(logged.versions).toEqual([1, 2]);
    expect(logged.model_ids.every((id) => /^m-[0-9a-f]{32}$/.test(id))).toBe(true);
    const champion = await workspace.registry.getVersionByAlias(MODEL, "champion");
    expect(champion.version).toBe(1);
    expect(champion.source).toBe(`models:/${logged.model_ids[0]}`);
    expect(champion.signature?.source).toBe("MLmodel");
  });

  it("a function bound to @champion scores every customer as the script's ONNX Runtime did", async () => {
    const compared = await compareWith("main.ml.churn_score", 1);
    expect(compared.rows).toBe(7043);
    expect(compared.largest).toBeLessThan(1e-6);
    expect(compared.mismatches).toBe(0);
    expect(compared.versions).toEqual([1]);
  });

  it("the alias moved from Python changes the next statement, to a version kept as ONNX external data", async () => {
    await setAliasInPython(server, MODEL, "champion", 2);
    try {
      const compared = await compareWith("main.ml.churn_score", 2);
      expect(compared.largest).toBeLessThan(1e-6);
      expect(compared.mismatches).toBe(0);
      expect(compared.versions).toEqual([2]);
      // The inference log names the MLflow server and the version that scored each statement.
      const records = await session.queryRows(
        "SELECT model_name, model_version, registry, rows_scored FROM system.serving.inference_log WHERE function_name = 'main.ml.churn_score' ORDER BY id",
      );
      expect(records.slice(-2)).toEqual([
        { model_name: MODEL, model_version: 1, registry: server.url, rows_scored: 7043n },
        { model_name: MODEL, model_version: 2, registry: server.url, rows_scored: 7043n },
      ]);
      const version = await workspace.registry.getVersion(MODEL, 2);
      // The weights came through the artifact proxy as their own file, beside model.onnx.
      expect(readdirSync(version.artifactDirectory).filter((file) => file.endsWith(".data"))).toHaveLength(1);
    } finally {
      await setAliasInPython(server, MODEL, "champion", 1);
    }
  });

  it("binds runs:/ (the model the run logged, or a bare .onnx among its artifacts) and models:/m-... ", async () => {
    const bindings: [string, string, number][] = [
      ["main.ml.churn_from_run", `runs:/${logged.runs[0]}/model`, 1],
      ["main.ml.churn_from_run_file", `runs:/${logged.runs[0]}/exported/churn.onnx`, 1],
      ["main.ml.churn_from_logged_model", `models:/${logged.model_ids[1]}`, 2],
    ];
    for (const [name, uri, version] of bindings) {
      await createFunction(workspace, definition(name, uri), { principal: "admin", replace: false });
      const compared = await compareWith(name, version);
      expect({ name, ...compared }).toEqual({
        name,
        rows: 7043,
        largest: compared.largest,
        mismatches: 0,
        versions: [null],
      });
      expect(compared.largest).toBeLessThan(1e-6);
    }
    const [explained] = await session.explain(
      "SELECT main.ml.churn_from_logged_model(1, 2, 3, 'One year') FROM range(1)",
    );
    expect(explained?.modelVersions[0]).toMatchObject({ model: `models:/${logged.model_ids[1]}` });
  });

  it("an artifact no version stands for has no grant of its own: only functions the workspace owner owns may score with it", async () => {
    workspace.principals.create("analyst", "user");
    for (const [type, name, privilege] of [
      ["CATALOG", "main", "USE CATALOG"],
      ["SCHEMA", "main.ml", "USE SCHEMA"],
      ["FUNCTION", "main.ml.churn_from_run", "EXECUTE"],
    ] as const) {
      workspace.grants.grant({ type, name }, "analyst", privilege, "admin");
    }
    const analyst = await LocalSession.open(workspace, { principal: "analyst", intraOpThreads: 1 });
    const statement = "SELECT main.ml.churn_from_run(12, 70.5, 846, 'One year').label AS label";
    try {
      expect(await analyst.queryRows(statement)).toHaveLength(1);
      workspace.principals.create("ml_engineer", "user");
      workspace.grants.setOwner({ type: "FUNCTION", name: "main.ml.churn_from_run" }, "ml_engineer");
      await expect(analyst.queryRows(statement)).rejects.toThrow(
        `[INSUFFICIENT_PERMISSIONS] Function main.ml.churn_from_run scores with runs:/${logged.runs[0]}/model, which no registered model version stands for, and its owner ml_engineer is not the workspace owner.`,
      );
    } finally {
      workspace.grants.setOwner({ type: "FUNCTION", name: "main.ml.churn_from_run" }, "admin");
      analyst.close();
    }
  });

  it("functions describe shows the run behind the function: experiment, parameters, accuracy", async () => {
    await expectRunLine(path.join(parent, "workspace"), ["functions", "describe", "main.ml.churn_score"], {
      id: logged.runs[0] as string,
      name: "logistic_regression",
      accuracy: logged.accuracies[0] as number,
    });
  });

  it("a model without an ONNX flavor is refused, naming the flavors it has, and nothing is kept", async () => {
    const artifactsBefore = readdirSync(path.join(parent, "workspace", "artifacts")).sort();
    await expect(resolveModelUri(workspace.registry, `models:/${MODEL}_sklearn/1`)).rejects.toThrow(
      new RegExp(
        `^\\[MODEL_INVALID\\] '${MODEL}_sklearn version 1 \\(mlflow-artifacts:.*\\)' is an MLflow model without an onnx flavor \\(its flavors: python_function, sklearn\\)\\. Convert the model to ONNX`,
      ),
    );
    expect(readdirSync(path.join(parent, "workspace", "artifacts")).sort()).toEqual(artifactsBefore);
  });

  it("names what is missing: a version, a run's path, a logged model", async () => {
    await expect(resolveModelUri(workspace.registry, `models:/${MODEL}/9`)).rejects.toThrow(
      /^\[MODEL_VERSION_NOT_FOUND\] MLflow at http:\/\/127\.0\.0\.1:\d+: RESOURCE_DOES_NOT_EXIST/,
    );
    await expect(
      resolveModelUri(workspace.registry, `runs:/${logged.runs[0]}/no_such_model`),
    ).rejects.toThrow(
      `[MODEL_VERSION_NOT_FOUND] Run ${logged.runs[0]} has no artifacts at 'no_such_model' and logged no model named 'no_such_model'.`,
    );
    await expect(
      resolveModelUri(workspace.registry, "models:/m-00000000000000000000000000000000"),
    ).rejects.toThrow(
      /^\[MODEL_VERSION_NOT_FOUND\] .*Logged model with ID 'm-00000000000000000000000000000000' not found/,
    );
  });

  it("with a cache time, an alias moved in MLflow stays where it was until the answer expires; failures are not kept", async () => {
    const cachedDirectory = path.join(parent, "cached");
    initWorkspace(cachedDirectory, { owner: "admin", registry: server.url, registryCacheSeconds: 600 });
    const cached = openWorkspace(cachedDirectory);
    try {
      expect((await cached.registry.getVersionByAlias(MODEL, "champion")).version).toBe(1);
      await expect(cached.registry.getVersionByAlias(MODEL, "candidate")).rejects.toThrow(
        /MODEL_VERSION_NOT_FOUND/,
      );
      await setAliasInPython(server, MODEL, "champion", 2);
      await setAliasInPython(server, MODEL, "candidate", 2);
      expect((await cached.registry.getVersionByAlias(MODEL, "champion")).version).toBe(1);
      expect((await cached.registry.getVersionByAlias(MODEL, "candidate")).version).toBe(2);
      // The workspace with cache time 0 sees the move at once.
      expect((await workspace.registry.getVersionByAlias(MODEL, "champion")).version).toBe(2);
    } finally {
      cached.close();
      await setAliasInPython(server, MODEL, "champion", 1);
    }
    const deleted = await runCli(path.join(parent, "workspace"), [
      "models",
      "alias",
      "delete",
      MODEL,
      "candidate",
    ]);
    expect(deleted.code).toBe(0);
    await expect(workspace.registry.getVersionByAlias(MODEL, "candidate")).rejects.toThrow(
      /MODEL_VERSION_NOT_FOUND/,
    );
  });

  it("models alias set and models stage work against MLflow, as MLflow's own client then sees", async () => {
    const directory = path.join(parent, "workspace");
    expect((await runCli(directory, ["models", "alias", "set", MODEL, "challenger", "2"])).code).toBe(0);
    const staged = await runCli(directory, ["models", "stage", MODEL, "2", "Staging"]);
    expect(staged.stdout).toContain(`${MODEL} version 2 is now in stage Staging`);
    const { stdout } = await run(
      path.join(server.venv, "bin", "python"),
      [
        "-c",
        "import sys, json; from mlflow import MlflowClient; c = MlflowClient(sys.argv[1]); v = c.get_model_version_by_alias(sys.argv[2], 'challenger'); print(json.dumps([v.version, v.current_stage]))",
        server.url,
        MODEL,
      ],
      { env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: "true" } },
    );
    expect(JSON.parse(stdout.trim().split("\n").pop() as string)).toEqual(["2", "Staging"]);
    const listed = await runCli(directory, ["models", "list"]);
    expect(listed.stdout).toMatch(
      new RegExp(
        `${MODEL.replaceAll(".", "\\.")}\\s+2\\s+2\\s+(champion=1, challenger=2|challenger=2, champion=1)`,
      ),
    );
    expect(existsSync(directory)).toBe(true);
  });
});
