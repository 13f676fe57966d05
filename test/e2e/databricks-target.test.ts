import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelsqlBackend } from "../databricks-stand-in/modelsql-backend.js";
import { type StandInServer, startStandInServer } from "../databricks-stand-in/stand-in-server.js";
import { goldenPredictions } from "../helpers/example-data.js";
import { CLI, type Finished, runCli, runNode } from "../helpers/run-cli.js";

/**
 * `--target databricks` end to end: the CLI with the stock @databricks/sql driver, against the
 * stand-in server (the real Thrift protocol over HTTPS on loopback) whose "warehouse" is a copy
 * of the example workspace run by modelsql's own engine, reading Databricks SQL.
 */
const SEED = "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features";
const gbt = new Map(goldenPredictions().map((row) => [row.customerID, row.churn_gbt_probability]));

let parent: string;
let laptop: string;
let warehouse: string;
let server: StandInServer;
let backend: ReturnType<typeof modelsqlBackend>;
let environment: NodeJS.ProcessEnv;

beforeAll(async () => {
  parent = mkdtempSync(path.join(tmpdir(), "modelsql-databricks-"));
  laptop = path.join(parent, "laptop");
  warehouse = path.join(parent, "warehouse");
  expect((await runCli(laptop, ["demo", "--owner", "admin"])).code).toBe(0);
  cpSync(laptop, warehouse, { recursive: true });
  backend = modelsqlBackend(warehouse, { "token-admin": "admin", "token-analyst": "analyst" });
  server = await startStandInServer({ backend });
  const caFile = path.join(parent, "stand-in-ca.pem");
  writeFileSync(caFile, server.caCert);
  environment = {
    DATABRICKS_HOST: `https://${server.host}:${server.port}`,
    DATABRICKS_HTTP_PATH: server.path,
    DATABRICKS_TOKEN: "token-admin",
    // The driver trusts Node's CA list plus this file, as a user with a private CA would set up.
    NODE_EXTRA_CA_CERTS: caFile,
  };
});
afterAll(async () => {
  await server.close();
  rmSync(parent, { recursive: true, force: true });
});

type ScoredRow = { customer_id: string; churn_prediction: string };

/**
 * Two CSV results hold the same customers in the same order with the same scores, to float32
 * precision: ONNX Runtime sums a tree ensemble in an order that depends on its thread count and
 * the batch, so the last bits of a probability may differ between two processes.
 */
function expectSameScores(actual: string, expected: string): void {
  const rows = parse(actual, { columns: true }) as ScoredRow[];
  const reference = parse(expected, { columns: true }) as ScoredRow[];
  expect(rows.map((row) => row.customer_id)).toEqual(reference.map((row) => row.customer_id));
  rows.forEach((row, index) => {
    expect(Math.abs(Number(row.churn_prediction) - Number(reference[index]?.churn_prediction))).toBeLessThan(
      1e-6,
    );
  });
}

function onDatabricks(args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return runNode([CLI, "--workspace", laptop, ...args], { ...environment, ...extra });
}

describe("query --target databricks", () => {
  it("runs the seed query on the warehouse with the same result as locally", async () => {
    const local = await runCli(laptop, ["query", SEED, "--format", "csv"]);
    const before = backend.executed.length;
    const remote = await onDatabricks(["query", SEED, "--format", "csv", "--target", "databricks"]);
    expect(remote.stderr).toBe("");
    expect(remote.code).toBe(0);
    const rows = parse(remote.stdout, { columns: true }) as {
      customer_id: string;
      churn_prediction: string;
    }[];
    expect(rows).toHaveLength(7043);
    // The same customers in the same order with the same scores. The warehouse gets the call in
    // positional form (UC functions take one value per parameter), which ONNX Runtime may sum in
    // another order than the STRUCT form: the two agree to float32 precision.
    const localRows = parse(local.stdout, { columns: true }) as typeof rows;
    expect(rows.map((row) => row.customer_id)).toEqual(localRows.map((row) => row.customer_id));
    rows.forEach((row, index) => {
      expect(
        Math.abs(Number(row.churn_prediction) - Number(localRows[index]?.churn_prediction)),
      ).toBeLessThan(1e-6);
    });
    const largest = Math.max(
      ...rows.map((row) => Math.abs(Number(row.churn_prediction) - (gbt.get(row.customer_id) as number))),
    );
    expect(largest).toBeLessThan(1e-5);
    // What reached the warehouse is the rewrite explain shows: names qualified, the call routed
    // to the Unity Catalog function.
    const sent = backend.executed.slice(before);
    expect(sent).toHaveLength(1);
    const explained = await runCli(laptop, ["--format", "json", "explain", SEED, "--target", "databricks"]);
    const plan = JSON.parse(explained.stdout) as {
      statements: { databricks: { databricksSql: string; routes: { route: string; version: number }[] } }[];
    };
    expect(sent[0]).toBe(plan.statements[0]?.databricks.databricksSql);
    expect(sent[0]).toMatch(
      /^SELECT customer_id, main\.ml\.predict_churn\(\(features\)\.gender, .*FROM main\.sales\.customer_features$/,
    );
    expect(plan.statements[0]?.databricks.routes).toEqual([
      expect.objectContaining({ route: "uc_function", version: 2 }),
    ]);
  });

  it("explain --target databricks prints the route and the SQL sent", async () => {
    const explained = await runCli(laptop, ["explain", SEED, "--target", "databricks"]);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain("Routes on Databricks:");
    expect(explained.stdout).toMatch(
      /main\.ml\.predict_churn +Unity Catalog function main\.ml\.predict_churn +modelsql-main-ml-predict_churn +main\.ml\.churn version 2/,
    );
    expect(explained.stdout).toContain(
      "SQL sent to Databricks:\n  SELECT customer_id, main.ml.predict_churn((features).gender,",
    );
  });

  it("fetches many rows in the same output formats", async () => {
    const result = await onDatabricks([
      "--format",
      "json",
      "query",
      `SELECT c.customer_id, r.k FROM customers AS c CROSS JOIN (VALUES ${Array.from({ length: 40 }, (_, k) => `(${k})`).join(", ")}) AS r(k)`,
      "--target",
      "databricks",
    ]);
    expect(result.stderr).toBe("");
    const rows = JSON.parse(result.stdout) as { customer_id: string; k: number }[];
    expect(rows).toHaveLength(7043 * 40);
    expect(rows.reduce((sum, row) => sum + row.k, 0)).toBe(7043 * ((39 * 40) / 2));
  });

  it("checks grants locally first: a denied statement never reaches the warehouse", async () => {
    const before = backend.executed.length;
    const result = await onDatabricks(["query", SEED, "--target", "databricks", "--as", "intern"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\[INSUFFICIENT_PERMISSIONS\] User 'intern' does not have/);
    expect(backend.executed.length).toBe(before);
  });

  it("maps the warehouse's errors to error classes", async () => {
    // A table the laptop has and the warehouse has not.
    expect((await runCli(laptop, ["query", "CREATE TABLE main.sales.only_here AS SELECT 1 AS x"])).code).toBe(
      0,
    );
    const result = await onDatabricks(["query", "SELECT x FROM only_here", "--target", "databricks"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\[TABLE_OR_VIEW_NOT_FOUND\] .*only_here/);
  });

  it("refuses a bad token with a clear error", async () => {
    const result = await onDatabricks(["query", SEED, "--target", "databricks"], {
      DATABRICKS_TOKEN: "wrong",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\[UNAUTHENTICATED\] Databricks at 127\.0\.0\.1 refused the credentials/);
  });

  it("says what to set when no connection is configured", async () => {
    const result = await runNode([CLI, "--workspace", laptop, "query", SEED, "--target", "databricks"], {
      DATABRICKS_HOST: "",
      DATABRICKS_HTTP_PATH: "",
      DATABRICKS_TOKEN: "",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^\[INVALID_PARAMETER_VALUE\] No Databricks connection: DATABRICKS_HOST, DATABRICKS_HTTP_PATH, DATABRICKS_TOKEN not set/,
    );
  });

  it("cancels the statement on the warehouse when it times out", async () => {
    const slow =
      "SELECT sum(predict_churn(features)) FROM customer_features CROSS JOIN (SELECT customer_id AS other FROM customers LIMIT 2000) AS copies";
    const started = Date.now();
    const result = await onDatabricks(["query", slow, "--target", "databricks", "--timeout", "1"]);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/^\[OPERATION_CANCELLED\] .*timed out after 1 s/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(server.calls("CancelOperation")).toBeGreaterThanOrEqual(1);
  });

  it("cancels the statement on the warehouse on Ctrl-C", async () => {
    const slow =
      "SELECT sum(predict_churn(features)) FROM customer_features CROSS JOIN (SELECT customer_id AS other FROM customers LIMIT 2000) AS copies";
    const cancels = server.calls("CancelOperation");
    const before = backend.executed.length;
    const child = spawn(
      process.execPath,
      [CLI, "--workspace", laptop, "query", slow, "--target", "databricks"],
      {
        env: { ...process.env, ...environment },
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const deadline = Date.now() + 20_000;
    while (backend.executed.length === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/^\[OPERATION_CANCELLED\]/);
    expect(server.calls("CancelOperation")).toBeGreaterThan(cancels);
  });
});

describe("deploy --target databricks", () => {
  const AI_QUERY_SEED = `SELECT customer_id, ai_query('modelsql-main-ml-predict_churn', request => named_struct(${[
    ["gender", "gender"],
    ["SeniorCitizen", "senior_citizen"],
    ["Partner", "partner"],
    ["Dependents", "dependents"],
    ["tenure", "tenure"],
    ["PhoneService", "phone_service"],
    ["MultipleLines", "multiple_lines"],
    ["InternetService", "internet_service"],
    ["OnlineSecurity", "online_security"],
    ["OnlineBackup", "online_backup"],
    ["DeviceProtection", "device_protection"],
    ["TechSupport", "tech_support"],
    ["StreamingTV", "streaming_tv"],
    ["StreamingMovies", "streaming_movies"],
    ["Contract", "contract"],
    ["PaperlessBilling", "paperless_billing"],
    ["PaymentMethod", "payment_method"],
    ["MonthlyCharges", "monthly_charges"],
    ["TotalCharges", "total_charges"],
  ]
    .map(([input, column]) => `'${input}', ${column}`)
    .join(", ")}), returnType => 'DOUBLE') AS churn_prediction FROM main.sales.customers`;

  it("--dry-run prints the DDL and the endpoint configuration and runs nothing", async () => {
    const before = backend.executed.length;
    const endpointsFile = path.join(parent, "endpoints.json");
    const result = await onDatabricks([
      "deploy",
      "--target",
      "databricks",
      "--dry-run",
      "--endpoints-file",
      endpointsFile,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("CREATE OR REPLACE FUNCTION main.ml.predict_churn(\n  gender STRING,");
    expect(result.stdout).toContain("CREATE OR REPLACE VIEW main.sales.churn_scores AS\n");
    expect(result.stdout).toContain("GRANT SELECT ON VIEW main.sales.churn_scores TO `bi_reader`;");
    expect(result.stdout).toContain('--     "name": "modelsql-main-ml-predict_churn",');
    const endpoints = JSON.parse(readFileSync(endpointsFile, "utf8")) as {
      name: string;
      config: { served_entities: { entity_version: string }[] };
    }[];
    expect(
      endpoints.map((endpoint) => [endpoint.name, endpoint.config.served_entities[0]?.entity_version]),
    ).toEqual([
      ["modelsql-main-ml-predict_churn", "2"],
      ["modelsql-main-ml-predict_churn_details", "1"],
    ]);
    expect(backend.executed.length).toBe(before);
  });

  it("a warehouse query that calls ai_query on a deployed endpoint runs locally against the deployed version", async () => {
    const before = backend.executed.length;
    const deployed = await onDatabricks(["deploy", "--target", "databricks"]);
    expect(deployed.stderr).toBe("");
    expect(deployed.code).toBe(0);
    const sent = backend.executed.slice(before);
    expect(sent[0]).toMatch(/^CREATE OR REPLACE FUNCTION main\.ml\.predict_churn\(/);
    expect(sent.some((sql) => sql.startsWith("CREATE OR REPLACE VIEW main.sales.churn_scores AS"))).toBe(
      true,
    );
    // Every grant of sql/example/04_grants.sql.
    expect(sent.filter((sql) => sql.startsWith("GRANT "))).toHaveLength(11);

    // The laptop runs the warehouse's query as written, scoring with the version deployed.
    const local = await runCli(laptop, [
      "query",
      AI_QUERY_SEED,
      "--dialect",
      "databricks",
      "--format",
      "csv",
    ]);
    expect(local.stderr).toBe("");
    const rows = parse(local.stdout, { columns: true }) as {
      customer_id: string;
      churn_prediction: string;
    }[];
    expect(rows).toHaveLength(7043);
    const largest = Math.max(
      ...rows.map((row) => Math.abs(Number(row.churn_prediction) - (gbt.get(row.customer_id) as number))),
    );
    expect(largest).toBeLessThan(1e-5);
    // ... and the same query runs on the warehouse, whose endpoint serves that version.
    const remote = await onDatabricks([
      "query",
      AI_QUERY_SEED,
      "--dialect",
      "databricks",
      "--format",
      "csv",
      "--target",
      "databricks",
    ]);
    expect(remote.stderr).toBe("");
    expectSameScores(remote.stdout, local.stdout);
  });

  it("refuses to run an ai_query locally once the alias moved away from the deployed version", async () => {
    expect((await runCli(laptop, ["models", "alias", "set", "main.ml.churn", "champion", "1"])).code).toBe(0);
    try {
      const result = await runCli(laptop, ["query", AI_QUERY_SEED, "--dialect", "databricks"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^\[DEPLOYMENT_OUT_OF_DATE\] The endpoint 'modelsql-main-ml-predict_churn' was deployed to serve main\.ml\.churn version 2, but models:\/main\.ml\.churn@champion is version 1 now\. Run `modelsql deploy --target databricks`/,
      );
    } finally {
      expect((await runCli(laptop, ["models", "alias", "set", "main.ml.churn", "champion", "2"])).code).toBe(
        0,
      );
    }
  });

  it("refuses an ai_query whose returnType is not what the endpoint answers", async () => {
    const result = await runCli(laptop, [
      "query",
      AI_QUERY_SEED.replace("returnType => 'DOUBLE'", "returnType => 'STRING'"),
      "--dialect",
      "databricks",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^\[DATATYPE_MISMATCH\] ai_query\(\) on 'modelsql-main-ml-predict_churn' asks for returnType STRING, but the endpoint answers DOUBLE/,
    );
  });
});
