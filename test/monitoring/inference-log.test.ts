import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalSession } from "../../src/engines/duckdb/local-session.js";
import { createFunction } from "../../src/functions/function-creation.js";
import { goldenPredictions } from "../helpers/example-data.js";
import { churnDefinition, type ExampleSession, exampleSession } from "../helpers/example-session.js";
import { runCli } from "../helpers/run-cli.js";

/**
 * The inference log as users read it: system.serving.inference_log and inference_samples, filled
 * by every statement that scores, on either route, from this process and from the CLI. Expected
 * values: the statement's own row counts, and scikit-learn's golden predictions for the customers
 * whose features the samples hold.
 */
let example: ExampleSession;
let session: LocalSession;
const golden = new Map(goldenPredictions().map((row) => [row.customerID, row]));

/** A features STRUCT (or sample inputs) as a key: its fields sorted, numbers as numbers. */
function featureKey(features: Record<string, unknown>): string {
  return JSON.stringify(
    Object.entries(features)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => [key, typeof value === "bigint" ? Number(value) : value]),
  );
}

let customersByFeatures: Map<string, string[]>;

beforeAll(async () => {
  example = await exampleSession();
  session = example.session;
  await createFunction(
    example.workspace,
    churnDefinition({ name: "main.ml.predict_churn_sql", model: "models:/main.ml.churn/1", route: "sql" }),
    { principal: "admin", replace: false },
  );
  customersByFeatures = new Map();
  for (const row of await session.queryRows("SELECT customer_id, features FROM customer_features")) {
    const key = featureKey(row.features as Record<string, unknown>);
    customersByFeatures.set(key, [...(customersByFeatures.get(key) ?? []), row.customer_id as string]);
  }
}, 120_000);
afterAll(() => example?.cleanup());

async function logRows(functionName: string) {
  return session.queryRows(
    `SELECT id, statement_id, principal, source, model_name, model_version, model_uri, registry, route,
            rows_scored, latency_ms, status, error_class
       FROM system.serving.inference_log WHERE function_name = '${functionName}' ORDER BY id`,
  );
}

/** The samples of a log row, each matched to the customers with those features. */
async function samplesOf(logId: unknown) {
  const samples = await session.queryRows(
    `SELECT inputs, prediction FROM system.serving.inference_samples WHERE log_id = ${Number(logId)} ORDER BY sample`,
  );
  return samples.map((sample) => {
    const inputs = JSON.parse(sample.inputs as string) as Record<string, unknown>;
    return {
      customers: customersByFeatures.get(featureKey(inputs)) ?? [],
      prediction: JSON.parse(sample.prediction as string) as number,
    };
  });
}

describe("the inference log, read as system tables", () => {
  it("records a scoring statement: who, which version, how many rows, and a sample of real rows", async () => {
    const [{ n }] = (await session.queryRows(
      "SELECT count(predict_churn(features)) AS n FROM customer_features WHERE features.contract = 'Month-to-month'",
    )) as [{ n: bigint }];
    const [record] = await logRows("main.ml.predict_churn");
    expect(record).toMatchObject({
      principal: "admin",
      source: "session",
      model_name: "main.ml.churn",
      model_version: 2,
      model_uri: "models:/main.ml.churn@champion",
      registry: "local",
      route: "onnx",
      rows_scored: n,
      status: "succeeded",
      error_class: null,
    });
    expect(record?.latency_ms as number).toBeGreaterThan(0);
    const samples = await samplesOf(record?.id);
    expect(samples).toHaveLength(100);
    for (const sample of samples) {
      // Each sampled row is a real customer's features, with the champion's (gradient-boosted
      // trees') prediction for them.
      expect(sample.customers.length).toBeGreaterThan(0);
      const expected = golden.get(sample.customers[0] as string)?.churn_gbt_probability as number;
      expect(Math.abs(sample.prediction - expected)).toBeLessThan(1e-5);
    }
    // A uniform sample of the whole statement, not its first rows: more than one chunk appears.
    const firstChunk = new Set(
      (
        await session.queryRows(
          "SELECT customer_id FROM customer_features WHERE features.contract = 'Month-to-month' LIMIT 2048",
        )
      ).map((row) => row.customer_id),
    );
    expect(samples.some((sample) => sample.customers.every((customer) => !firstChunk.has(customer)))).toBe(
      true,
    );
  });

  it("records the compiled SQL route too, with its rows and a sample, through the observer", async () => {
    await session.queryRows("SELECT sum(main.ml.predict_churn_sql(features)) FROM customer_features");
    const [record] = await logRows("main.ml.predict_churn_sql");
    expect(record).toMatchObject({ model_version: 1, route: "sql", rows_scored: 7043n, status: "succeeded" });
    const samples = await samplesOf(record?.id);
    expect(samples).toHaveLength(100);
    for (const sample of samples) {
      const expected = golden.get(sample.customers[0] as string)?.churn_logreg_probability as number;
      expect(Math.abs(sample.prediction - expected)).toBeLessThan(1e-5);
    }
  });

  it("records a failed statement with its error class, and nothing for a statement that scored no row", async () => {
    const before = (await logRows("main.ml.predict_churn")).length;
    await session.queryRows("SELECT predict_churn(features) FROM customer_features WHERE false");
    expect(await logRows("main.ml.predict_churn")).toHaveLength(before);
    await expect(
      session.queryRows("SELECT predict_churn(features), CAST('x' AS INTEGER) FROM customer_features"),
    ).rejects.toThrow(/CAST_INVALID_INPUT|Conversion Error|could not convert/i);
    const rows = await logRows("main.ml.predict_churn");
    expect(rows.at(-1)).toMatchObject({ status: "failed" });
    expect(rows.at(-1)?.error_class).not.toBeNull();
  });

  it("a script may read the log and write elsewhere in one transaction, and a failed script loses no log row", async () => {
    await session.queryRows("SELECT count(predict_churn(features)) FROM customer_features");
    const logged = (await logRows("main.ml.predict_churn")).length;
    await expect(
      session.queryRows(
        "SELECT count(*) FROM system.serving.inference_log; CREATE TABLE main.sales.log_copy AS SELECT 1 AS x; SELECT CAST('x' AS INTEGER)",
      ),
    ).rejects.toThrow(/CAST|Conversion|convert/i);
    await session.queryRows("SELECT count(predict_churn(features)) FROM customer_features");
    await session.queryRows(
      "SELECT count(*) FROM system.serving.inference_log; CREATE TABLE main.sales.log_copy AS SELECT 1 AS x",
    );
    // Every record is there once: the two scoring statements since, none lost to the rollback.
    const ids = (await logRows("main.ml.predict_churn")).map((row) => Number(row.id));
    expect(ids).toHaveLength(logged + 1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the CLI records to the same log, which a session sees on its next statement", async () => {
    // One process at a time writes a workspace's DuckDB data files: this one lets go first.
    session.close();
    const ran = await runCli(example.directory, [
      "query",
      "SELECT avg(predict_churn(features)) FROM customer_features",
    ]);
    expect(ran.code).toBe(0);
    session = await example.openSession();
    const rows = await logRows("main.ml.predict_churn");
    expect(rows.at(-1)).toMatchObject({ source: "cli", rows_scored: 7043n, status: "succeeded" });
  });

  it("is governed like any table: the owner reads it, others once granted; nobody writes to it", async () => {
    const analyst = await example.openSession("analyst");
    await expect(analyst.queryRows("SELECT count(*) FROM system.serving.inference_log")).rejects.toThrow(
      "[INSUFFICIENT_PERMISSIONS] User 'analyst' does not have SELECT on TABLE 'system.serving.inference_log'",
    );
    await session.queryRows(
      "GRANT USE CATALOG ON CATALOG system TO analyst; GRANT USE SCHEMA ON SCHEMA system.serving TO analyst; GRANT SELECT ON TABLE system.serving.inference_log TO analyst",
    );
    const [{ n }] = (await analyst.queryRows("SELECT count(*) AS n FROM system.serving.inference_log")) as [
      { n: bigint },
    ];
    expect(Number(n)).toBe((await session.queryRows("SELECT * FROM system.serving.inference_log")).length);
    await expect(analyst.queryRows("SELECT count(*) FROM system.serving.inference_samples")).rejects.toThrow(
      /INSUFFICIENT_PERMISSIONS/,
    );
    for (const statement of [
      "CREATE TABLE system.serving.copy AS SELECT 1 AS x",
      "CREATE OR REPLACE VIEW system.serving.inference_log AS SELECT 1 AS x",
      "CREATE SCHEMA system.other",
    ]) {
      await expect(session.queryRows(statement)).rejects.toThrow(
        /^\[INSUFFICIENT_PERMISSIONS\] The catalog system holds tables modelsql keeps \(the inference log\); no statement may change system\./,
      );
    }
  });
});
