import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planDeployment } from "../../../src/engines/databricks/deployment-plan.js";
import { localAiQueryHook } from "../../../src/engines/databricks/local-ai-query.js";
import { pushDown } from "../../../src/engines/databricks/pushdown-rewrite.js";
import { checkVersion } from "../../../src/engines/duckdb/compiled-routes.js";
import { LocalSession } from "../../../src/engines/duckdb/local-session.js";
import { COMPILER_VERSION } from "../../../src/sql/compile/graph-compiler.js";
import { DATABRICKS } from "../../../src/sql/dialects/databricks-dialect.js";
import { DUCKDB } from "../../../src/sql/dialects/duckdb-dialect.js";
import { translateSql } from "../../../src/sql/rewrite/dialect-translation.js";
import { goldenPredictions } from "../../helpers/example-data.js";
import {
  addFunction,
  type ExampleSession,
  exampleSession,
  FEATURE_COLUMNS,
} from "../../helpers/example-session.js";

const SEED = "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features";
const STRUCT_SPREAD = FEATURE_COLUMNS.split(", ")
  .map((name) => `(features).${name}`)
  .join(", ");

let example: ExampleSession;
let session: LocalSession;
const gbt = new Map(goldenPredictions().map((row) => [row.customerID, row.churn_gbt_probability]));

beforeAll(async () => {
  example = await exampleSession();
  session = example.session;
  // The same model and alias as predict_churn, pushed down with ai_query written inline.
  await addFunction(example.workspace, {
    name: "main.ml.predict_churn_inline",
    databricks: { route: "ai_query" },
  });
  // Both example versions compiled to SQL on the warehouse: no serving endpoint.
  await addFunction(example.workspace, {
    name: "main.ml.churn_compiled_v1",
    model: "models:/main.ml.churn/1",
    route: "sql",
  });
  await addFunction(example.workspace, {
    name: "main.ml.churn_compiled_v2",
    model: "models:/main.ml.churn/2",
    route: "sql",
  });
});
afterAll(() => example.cleanup());

async function pushed(sql: string) {
  const [planned] = await session.plan(sql, { enforce: true });
  return pushDown(planned as NonNullable<typeof planned>);
}

/**
 * Runs Databricks SQL back on the local engine, reading ai_query on the workspace's endpoints as
 * their functions: what the warehouse computes, given that each endpoint answers its function.
 */
async function runBackLocally(databricksSql: string): Promise<Record<string, unknown>[]> {
  const bindings = await session.currentBindings();
  const definitions = [...bindings.values()].map((bound) => bound.definition);
  const local = translateSql(databricksSql, DATABRICKS, DUCKDB, {
    call: localAiQueryHook(definitions, (name) => bindings.get(name)?.binding, []),
  });
  return session.queryRows(local);
}

describe("queries pushed down to Databricks", () => {
  it("qualifies names and routes the seed query's STRUCT call to the Unity Catalog function", async () => {
    const result = await pushed(SEED);
    expect(result.databricksSql).toBe(
      `SELECT customer_id, main.ml.predict_churn(${STRUCT_SPREAD}) AS churn_prediction FROM main.sales.customer_features`,
    );
    expect(result.routes).toEqual([
      {
        function: "main.ml.predict_churn",
        route: "uc_function",
        endpoint: "modelsql-main-ml-predict_churn",
        model: "main.ml.churn",
        version: 2,
      },
    ]);
  });

  it("writes ai_query inline for a function routed so, with the request named by model inputs", async () => {
    const result = await pushed(
      `SELECT customer_id, predict_churn_inline(${FEATURE_COLUMNS}) FROM customers`,
    );
    expect(result.databricksSql).toContain(
      "ai_query('modelsql-main-ml-predict_churn_inline', request => named_struct('gender', gender, 'SeniorCitizen', senior_citizen,",
    );
    expect(result.databricksSql).toContain("returnType => 'DOUBLE')");
    // return_null: a NULL in a required input gives NULL without calling the endpoint; the
    // optional TotalCharges is sent as is.
    expect(result.databricksSql).toMatch(
      /^SELECT customer_id, CASE WHEN gender IS NULL OR .* THEN NULL ELSE ai_query\(/,
    );
    expect(result.databricksSql).not.toContain("total_charges IS NULL");
    expect(result.databricksSql).toContain("FROM main.sales.customers");
  });

  it("scores every customer the same through either route as locally (and as scikit-learn)", async () => {
    for (const sql of [
      SEED,
      `SELECT customer_id, predict_churn_inline(${FEATURE_COLUMNS}) AS churn_prediction FROM customers`,
    ]) {
      const rows = await runBackLocally((await pushed(sql)).databricksSql);
      expect(rows).toHaveLength(7043);
      const largest = Math.max(
        ...rows.map((row) =>
          Math.abs((row.churn_prediction as number) - (gbt.get(row.customer_id as string) as number)),
        ),
      );
      expect(largest).toBeLessThan(1e-5);
    }
  });

  it("keeps the NULL policy: a NULL required input gives NULL through ai_query too", async () => {
    const sql = `SELECT predict_churn_inline(NULL, ${FEATURE_COLUMNS.split(", ").slice(1).join(", ")}) AS p FROM customers LIMIT 3`;
    const rows = await runBackLocally((await pushed(sql)).databricksSql);
    expect(rows.map((row) => row.p)).toEqual([null, null, null]);
  });

  it("qualifies a view by the catalog and schema it resolved to", async () => {
    const result = await pushed("SELECT count(*) FROM churn_scores WHERE churn_probability > 0.5");
    expect(result.databricksSql).toBe(
      "SELECT count(*) FROM main.sales.churn_scores WHERE churn_probability > 0.5",
    );
    expect(result.routes).toEqual([]);
  });

  it("sends no function it does not know to mean the same on Databricks", async () => {
    for (const sql of [
      "SELECT secret('scope', 'key') FROM customers",
      "SELECT regexp_replace(customer_id, 'a', 'b') FROM customers",
      "SELECT * FROM range(3)",
    ]) {
      await expect(pushed(sql)).rejects.toThrow(/\[UNSUPPORTED_FEATURE\] The function \w+\(\)/);
    }
  });

  it("refuses a NUL character, where DuckDB's parser stops reading", async () => {
    await expect(pushed("SELECT * FROM (SELECT 1) --\u0000\n, main.sales.customers")).rejects.toThrow(
      /\[PARSE_SYNTAX_ERROR\] The statement contains a NUL character/,
    );
  });

  it("drops comments, which Spark may end elsewhere than DuckDB", async () => {
    // In Spark, a backslash at the end of a -- comment continues it onto the next line.
    const result = await pushed("-- note \\\nSELECT customer_id /* why */ FROM customers -- end");
    expect(result.databricksSql).toBe("SELECT customer_id   FROM main.sales.customers");
  });

  it("puts named prediction arguments in parameter order, and refuses the method-call form", async () => {
    const parameters = FEATURE_COLUMNS.split(", ");
    const named = [...parameters]
      .reverse()
      .map((name) => `${name} := ${name}`)
      .join(", ");
    const result = await pushed(`SELECT predict_churn(${named}) AS p FROM customers`);
    expect(result.databricksSql).toBe(
      `SELECT main.ml.predict_churn(${FEATURE_COLUMNS}) AS p FROM main.sales.customers`,
    );
    await expect(pushed("SELECT features.predict_churn() FROM customer_features")).rejects.toThrow(
      /The method-call form features\.predict_churn\(\)/,
    );
  });

  it("refuses statements other than queries", async () => {
    const [planned] = await session.plan("CREATE VIEW main.sales.v AS SELECT 1 AS x", { enforce: true });
    expect(() => pushDown(planned as NonNullable<typeof planned>)).toThrow(
      /UNSUPPORTED_STATEMENT.*modelsql deploy/s,
    );
  });

  it("checks grants before anything is written for Databricks", async () => {
    // intern has USE on main.sales but no SELECT on the table and no EXECUTE on the function.
    const intern = await LocalSession.open(example.workspace, { principal: "intern", intraOpThreads: 1 });
    try {
      await expect(intern.plan(SEED, { enforce: true })).rejects.toThrow(/INSUFFICIENT_PERMISSIONS/);
    } finally {
      intern.close();
    }
  });
});

describe("deployment plan", () => {
  it("creates each function as a UC function calling ai_query on its endpoint, views, then grants", async () => {
    const plan = await planDeployment(session, example.workspace);
    const kinds = plan.statements.map((statement) => statement.kind);
    expect(kinds.indexOf("view")).toBeGreaterThan(kinds.lastIndexOf("function"));
    expect(kinds.indexOf("grant")).toBeGreaterThan(kinds.lastIndexOf("view"));
    const churn = plan.statements.find((statement) => statement.object === "main.ml.predict_churn");
    expect(churn?.sql).toMatch(
      /^CREATE OR REPLACE FUNCTION main\.ml\.predict_churn\(\n {2}gender STRING,\n {2}senior_citizen BIGINT,/,
    );
    expect(churn?.sql).toContain("\nRETURNS DOUBLE\n");
    expect(churn?.sql).toContain("Scores with main.ml.churn version 2 (models:/main.ml.churn@champion)");
    expect(churn?.sql).toContain("RETURN CASE WHEN gender IS NULL OR");
    const details = plan.statements.find((statement) => statement.object === "main.ml.predict_churn_details");
    expect(details?.sql).toContain(
      "RETURNS STRUCT<label: BIGINT, probabilities: MAP<STRING, DOUBLE>, model: STRING, version: INT>",
    );
    // on_null: fail raises the same error class on the warehouse.
    expect(details?.sql).toContain("raise_error('[NULL_PREDICTION_INPUT]");
    const view = plan.statements.find((statement) => statement.kind === "view");
    expect(view?.sql).toBe(
      `CREATE OR REPLACE VIEW main.sales.churn_scores AS\nSELECT customer_id, main.ml.predict_churn(${STRUCT_SPREAD}) AS churn_probability FROM main.sales.customer_features`,
    );
    const grants = plan.statements
      .filter((statement) => statement.kind === "grant")
      .map((statement) => statement.sql);
    expect(grants).toContain("GRANT SELECT ON VIEW main.sales.churn_scores TO `bi_reader`");
    expect(grants).toContain("GRANT EXECUTE ON FUNCTION main.ml.predict_churn TO `analyst`");
    expect(grants).toContain("GRANT USE SCHEMA ON SCHEMA main.sales TO `intern`");
    expect(grants).toHaveLength(example.workspace.grants.all().length);
    // Each endpoint serves the version the function's alias resolves to now.
    expect(
      plan.endpoints.find((endpoint) => endpoint.name === "modelsql-main-ml-predict_churn")?.config,
    ).toEqual({
      served_entities: [
        {
          entity_name: "main.ml.churn",
          entity_version: "2",
          workload_size: "Small",
          scale_to_zero_enabled: true,
        },
      ],
    });
    expect(
      plan.deployed.find((entry) => entry.functionName === "main.ml.predict_churn_details")?.version,
    ).toBe(1);
  });

  it("maps principals and refuses anyone but the workspace owner", async () => {
    const plan = await planDeployment(session, example.workspace, {
      principalName: (local) => (local === "analyst" ? "analyst@example.com" : local),
    });
    expect(plan.statements.map((statement) => statement.sql)).toContain(
      "GRANT SELECT ON TABLE main.sales.customers TO `analyst@example.com`",
    );
    const analyst = await LocalSession.open(example.workspace, { principal: "analyst", intraOpThreads: 1 });
    try {
      await expect(planDeployment(analyst, example.workspace)).rejects.toThrow(
        /INSUFFICIENT_PERMISSIONS.*only its owner 'admin'/,
      );
    } finally {
      analyst.close();
    }
  });
});

describe("the compiled route on Databricks", () => {
  it("pushes the call down to the Unity Catalog function, with no serving endpoint", async () => {
    const result = await pushed(
      "SELECT customer_id, churn_compiled_v1(features) AS p FROM customer_features",
    );
    expect(result.databricksSql).toBe(
      `SELECT customer_id, main.ml.churn_compiled_v1(${STRUCT_SPREAD}) AS p FROM main.sales.customer_features`,
    );
    expect(result.routes.map((route) => route.route)).toEqual(["sql"]);
  });

  it.each([
    ["main.ml.churn_compiled_v1", "churn_logreg_probability", 1],
    ["main.ml.churn_compiled_v2", "churn_gbt_probability", 2],
  ] as const)(
    "deploys %s as a UC function whose body is the compiled model, equal to scikit-learn when run",
    async (name, goldenColumn, version) => {
      const plan = await planDeployment(session, example.workspace);
      const ddl = plan.statements.find((statement) => statement.object === name)?.sql as string;
      expect(ddl).toContain(
        `Scores with main.ml.churn version ${version} (models:/main.ml.churn/${version}) compiled to SQL`,
      );
      expect(ddl).not.toContain("ai_query");
      expect(plan.endpoints.map((endpoint) => endpoint.name)).not.toContain(
        `modelsql-main-ml-${name.split(".")[2]}`,
      );
      expect(plan.deployed.map((entry) => entry.functionName)).not.toContain(name);
      // The body reads the parameters by name; the customers table has columns of those names.
      const body = ddl.slice(ddl.indexOf("\nRETURN ") + "\nRETURN ".length);
      const rows = await session.queryRows(
        translateSql(`SELECT customer_id, ${body} AS p FROM main.sales.customers`, DATABRICKS, DUCKDB),
      );
      const golden = new Map(goldenPredictions().map((row) => [row.customerID, row[goldenColumn]]));
      expect(rows).toHaveLength(7043);
      const largest = Math.max(
        ...rows.map((row) => Math.abs((row.p as number) - (golden.get(row.customer_id as string) as number))),
      );
      expect(largest).toBeLessThan(1e-5);
    },
  );

  it("refuses to deploy a model that has no compiled SQL as compiled SQL, saying why", async () => {
    example.workspace.compiledRoutes.put(
      (await example.workspace.registry.getVersion("main.ml.churn", 1)).artifactHash,
      "model.onnx",
      COMPILER_VERSION,
      {
        outcome: "failed",
        reason: "3 values differ from ONNX Runtime by more than 0.00001 on 10,004 rows",
        sampleRows: 10004,
        largestDifference: 0.5,
        mismatchedValues: 3,
        measuredRows: 0,
        sqlRowsPerSecond: null,
        onnxRowsPerSecond: null,
        checkedAt: new Date(),
      },
    );
    try {
      await expect(planDeployment(session, example.workspace)).rejects.toThrow(
        /^\[UNSUPPORTED_FEATURE\] main\.ml\.churn_compiled_v1 cannot deploy as compiled SQL: compiled SQL is not offered: 3 values differ/,
      );
    } finally {
      const version = await example.workspace.registry.getVersion("main.ml.churn", 1);
      await checkVersion(example.workspace.compiledRoutes, version, { recheck: true });
    }
  });
});
