import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalSession } from "../../src/engines/duckdb/local-session.js";
import { EXAMPLE_SESSION_DEFAULTS } from "../../src/example-workspace.js";
import { createFunction } from "../../src/functions/function-creation.js";
import { readFunctionDefinitionFile } from "../../src/functions/function-definition-file.js";
import { initWorkspace, openWorkspace, type Workspace } from "../../src/workspace.js";
import { goldenPredictions, REPOSITORY_ROOT } from "../helpers/example-data.js";
import { runCli } from "../helpers/run-cli.js";
import {
  type MlflowServerFixture,
  registerExampleModels,
  setAliasInPython,
  startMlflowServer,
} from "./mlflow-server.js";
import { expectRunLine } from "./run-line.js";

/**
 * A workspace pointed at a real MLflow server (`init --registry`): functions bind to MLflow's
 * aliases and stages, score with the versions' files fetched through the server, and follow an
 * alias moved from Python on the next statement. Expected values: scikit-learn's golden file.
 */
let server: MlflowServerFixture;
let registered: Awaited<ReturnType<typeof registerExampleModels>>;
let parent: string;
let workspace: Workspace;
let session: LocalSession;
const golden = goldenPredictions();

beforeAll(async () => {
  server = await startMlflowServer();
  registered = await registerExampleModels(server, REPOSITORY_ROOT);
  parent = mkdtempSync(path.join(tmpdir(), "modelsql-mlflow-workspace-"));
  // Cache time 0: every statement asks MLflow where the alias points.
  initWorkspace(path.join(parent, "workspace"), {
    owner: "admin",
    registry: server.url,
    registryCacheSeconds: 0,
  });
  workspace = openWorkspace(path.join(parent, "workspace"));
  // As the example workspace: unqualified tables in main.sales, functions found in main.ml.
  workspace.settings.setSessionDefaults({
    ...EXAMPLE_SESSION_DEFAULTS,
    path: [...EXAMPLE_SESSION_DEFAULTS.path],
  });
  session = await LocalSession.open(workspace, { intraOpThreads: 1 });
  await session.connection.run(
    `SET VARIABLE telco_csv = '${path.join(REPOSITORY_ROOT, "examples/data/telco_churn.csv")}'`,
  );
  for (const file of ["01_customers.sql", "02_customer_features.sql"])
    await session.queryRows(readFileSync(path.join(REPOSITORY_ROOT, "sql/example", file), "utf8"));
  const base = readFunctionDefinitionFile(path.join(REPOSITORY_ROOT, "udfs/predict_churn.yaml"));
  await createFunction(workspace, base, { principal: "admin", replace: false });
  await createFunction(
    workspace,
    { ...base, name: "main.ml.predict_churn_production", model: "models:/main.ml.churn/Production" },
    { principal: "admin", replace: false },
  );
}, 600_000);
afterAll(async () => {
  session?.close();
  workspace?.close();
  await server?.stop();
  if (parent) rmSync(parent, { recursive: true, force: true });
});

function largestDifference(
  rows: Record<string, unknown>[],
  column: "churn_gbt_probability" | "churn_logreg_probability",
) {
  const expected = new Map(golden.map((row) => [row.customerID, row[column]]));
  return Math.max(
    ...rows.map((row) => Math.abs((row.p as number) - (expected.get(row.customer_id as string) as number))),
  );
}

describe("a workspace reading an MLflow registry", () => {
  it("scores the seed query with the version MLflow's champion alias names", async () => {
    const rows = await session.queryRows(
      "SELECT customer_id, predict_churn(features) AS p FROM customer_features",
    );
    expect(rows).toHaveLength(7043);
    expect(largestDifference(rows, "churn_gbt_probability")).toBeLessThan(1e-5);
  });

  it("binds to a legacy stage too", async () => {
    const rows = await session.queryRows(
      "SELECT customer_id, predict_churn_production(features) AS p FROM customer_features",
    );
    expect(largestDifference(rows, "churn_logreg_probability")).toBeLessThan(1e-5);
  });

  it("follows an alias moved in MLflow from Python on the next statement", async () => {
    await setAliasInPython(server, "main.ml.churn", "champion", 1);
    try {
      const rows = await session.queryRows(
        "SELECT customer_id, predict_churn(features) AS p FROM customer_features",
      );
      expect(largestDifference(rows, "churn_logreg_probability")).toBeLessThan(1e-5);
      const [explained] = await session.explain("SELECT predict_churn(features) FROM customer_features");
      expect(explained?.modelVersions[0]?.version).toBe(1);
    } finally {
      await setAliasInPython(server, "main.ml.churn", "champion", 2);
    }
  });

  it("binds runs:/<run>/model to the model directory a run logged as artifacts", async () => {
    await createFunction(
      workspace,
      {
        ...readFunctionDefinitionFile(path.join(REPOSITORY_ROOT, "udfs/predict_churn.yaml")),
        name: "main.ml.predict_churn_from_run",
        model: `runs:/${registered.runs[1]}/model`,
      },
      { principal: "admin", replace: false },
    );
    const rows = await session.queryRows(
      "SELECT customer_id, predict_churn_from_run(features) AS p FROM customer_features",
    );
    expect(rows).toHaveLength(7043);
    expect(largestDifference(rows, "churn_gbt_probability")).toBeLessThan(1e-5);
  });

  it("describes MLflow's versions with their runs and stages, fetched once into the artifact store", async () => {
    const versions = await workspace.registry.listVersions("main.ml.churn");
    expect(versions.map((version) => [version.version, version.stage, [...version.aliases].sort()])).toEqual([
      [1, "Production", ["challenger"]],
      [2, "None", ["champion"]],
    ]);
    expect(versions.every((version) => version.runId?.match(/^[0-9a-f]{32}$/))).toBe(true);
    expect(versions[1]?.signature?.source).toBe("MLmodel");
    // Fetched files are verified by content: the same bytes as the example model directory.
    expect(readFileSync(path.join(versions[1]?.artifactDirectory as string, "model.onnx"))).toEqual(
      readFileSync(path.join(REPOSITORY_ROOT, "examples/models/churn_gbt/model.onnx")),
    );
  });

  it("refuses to register here, saying where versions are registered", async () => {
    await expect(
      workspace.registry.registerVersion({
        name: "main.ml.churn",
        path: REPOSITORY_ROOT,
        principal: "admin",
      }),
    ).rejects.toThrow(
      /^\[UNSUPPORTED_FEATURE\] This workspace reads its registry from MLflow at http:\/\/127\.0\.0\.1:\d+; versions are registered there/,
    );
  });

  it("a server that is down is a clear error, and nothing is cached wrongly", async () => {
    const down = path.join(parent, "down");
    initWorkspace(down, { owner: "admin", registry: "http://127.0.0.1:9" });
    const offline = openWorkspace(down);
    try {
      await expect(offline.registry.getVersionByAlias("main.ml.churn", "champion")).rejects.toThrow(
        /^\[CONNECTION_FAILED\] Cannot reach the MLflow server at http:\/\/127\.0\.0\.1:9/,
      );
      expect(readdirSync(path.join(down, "artifacts"))).toEqual([]);
    } finally {
      offline.close();
    }
  });

  it("models describe shows the run behind a version: its name, parameters and metrics from MLflow", async () => {
    await expectRunLine(path.join(parent, "workspace"), ["models", "describe", "main.ml.churn@champion"], {
      id: registered.runs[1] as string,
      name: "churn_gbt",
      accuracy: registered.accuracies[1] as number,
    });
    const json = JSON.parse(
      (
        await runCli(path.join(parent, "workspace"), [
          "--format",
          "json",
          "models",
          "describe",
          "main.ml.churn/1",
        ])
      ).stdout,
    );
    expect(json.run).toMatchObject({ runId: registered.runs[0], params: { estimator: "churn_logreg" } });
    expect(json.run.metrics.accuracy).toBe(registered.accuracies[0]);
  });
});
