import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planDeployment } from "../../src/engines/databricks/deployment-plan.js";
import { PARITY_SAMPLE_ROWS, paritySampleOf } from "../../src/engines/duckdb/compiled-route-check.js";
import { compileGraph } from "../../src/sql/compile/graph-compiler.js";
import { type MlGraph, readMlGraph } from "../../src/sql/compile/onnx-ml-nodes.js";
import { DATABRICKS } from "../../src/sql/dialects/databricks-dialect.js";
import { goldenPredictions, REPOSITORY_ROOT, telcoCustomers } from "../helpers/example-data.js";
import { addFunction, type ExampleSession, exampleSession } from "../helpers/example-session.js";
import { runOnnxRuntime } from "../sql/compile/ort-reference.js";
import { COMPILED_TEST_MODELS } from "../sql/compile/test-models.js";
import { SparkParser } from "./spark-parser.js";

/**
 * The Databricks form of compiled models, run by Apache Spark's engine (pyspark 4.3.0): every
 * test model's graph compiled to Spark SQL equals ONNX Runtime on all 7043 Telco customers and
 * on the generated sample the parity check uses; and the UC functions `deploy` writes for the
 * compiled route, created and called in Spark, equal scikit-learn on every customer.
 */
const CSV = path.join(REPOSITORY_ROOT, "examples/data/telco_churn.csv");
const STRING = 8;
const INTEGERS = new Set([6, 7]);

let spark: SparkParser;
let example: ExampleSession;
let scratch: string;

beforeAll(async () => {
  [spark, example] = await Promise.all([SparkParser.start(), exampleSession()]);
  scratch = mkdtempSync(path.join(tmpdir(), "modelsql-spark-compiled-"));
  // Open-source Spark generates and compiles Java for every projection; for a tree ensemble's
  // expression that compile alone took over a minute here (Databricks' Photon engine does not
  // generate Java). Interpreted evaluation computes the same values in seconds.
  await sparkRows("SET spark.sql.codegen.wholeStage = false");
  await sparkRows("SET spark.sql.codegen.factoryMode = NO_CODEGEN");
  await sparkRows(
    `CREATE OR REPLACE TEMPORARY VIEW telco USING csv OPTIONS (path ${DATABRICKS.quoteString(CSV)}, header 'true')`,
  );
  for (const version of [1, 2]) {
    await addFunction(example.workspace, {
      name: `main.ml.churn_compiled_v${version}`,
      model: `models:/main.ml.churn/${version}`,
      route: "sql",
    });
  }
  await addFunction(example.workspace, {
    name: "main.ml.churn_details_compiled",
    model: "models:/main.ml.churn/1",
    returns: { kind: "struct" },
    on_null: "fail",
    route: "sql",
  });
});
afterAll(async () => {
  await spark?.close();
  example?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

async function sparkRows(sql: string): Promise<Record<string, unknown>[]> {
  const result = await spark.execute(sql);
  if (!result.ok) throw new Error(`Spark refused the SQL: ${result.error}`);
  return result.rows;
}

/** The Telco CSV's text columns as the model inputs they feed. */
function telcoInput(graph: MlGraph) {
  return (name: string) => {
    const column = DATABRICKS.quoteIdentifier(name);
    const type = graph.inputTypes.get(name);
    if (type === STRING) return column;
    if (type !== undefined && INTEGERS.has(type)) return `CAST(${column} AS BIGINT)`;
    return `TRY_CAST(NULLIF(trim(${column}), '') AS DOUBLE)`;
  };
}

/** Writes sample rows as JSON lines (NaN as Spark's JSON reader accepts it) and views them. */
async function sampleView(name: string, graph: MlGraph, rows: readonly Record<string, unknown>[]) {
  const file = path.join(scratch, `${name}.json`);
  // JSON.stringify writes NaN as null; Spark reads the bare token NaN as a double NaN.
  const lines = rows.map((row, index) => {
    const entries = Object.entries(row).map(
      ([key, value]) =>
        `${JSON.stringify(key)}:${typeof value === "number" && Number.isNaN(value) ? "NaN" : JSON.stringify(value)}`,
    );
    return `{"modelsql_row":${index},${entries.join(",")}}`;
  });
  writeFileSync(file, `${lines.join("\n")}\n`);
  const columns = graph.inputs.map((input) => {
    const type = graph.inputTypes.get(input);
    const sqlType =
      type === STRING ? "STRING" : type !== undefined && INTEGERS.has(type) ? "BIGINT" : "DOUBLE";
    return `${DATABRICKS.quoteIdentifier(input)} ${sqlType}`;
  });
  await sparkRows(
    `CREATE OR REPLACE TEMPORARY VIEW ${name} (modelsql_row BIGINT, ${columns.join(", ")}) USING json OPTIONS (path ${DATABRICKS.quoteString(file)})`,
  );
}

/** Compares Spark's rows (ordered as the reference) with ONNX Runtime's outputs. */
function compare(
  sparkResult: readonly Record<string, unknown>[],
  compiled: ReadonlyMap<string, readonly string[]>,
  expected: ReadonlyMap<string, unknown[]>,
): number {
  let largest = 0;
  for (const [name, columns] of compiled) {
    const reference = expected.get(name) as unknown[];
    sparkResult.forEach((row, index) => {
      const want = reference[index];
      columns.forEach((_, column) => {
        const got = row[`o_${name}_${column}`];
        const target = Array.isArray(want) ? want[column] : want;
        if (typeof target === "number" && !Array.isArray(want) && name === "label") {
          expect(Number(got)).toBe(target);
        } else if (typeof target === "number") {
          const value = Number(got);
          if (Number.isNaN(target)) expect(Number.isNaN(value) || got === "NaN").toBe(true);
          else largest = Math.max(largest, Math.abs(value - target) / Math.max(1, Math.abs(target)));
        } else {
          expect(got).toBe(target);
        }
      });
    });
  }
  return largest;
}

function selectOutputs(compiled: ReadonlyMap<string, readonly string[]>): string {
  return [...compiled]
    .flatMap(([name, columns]) => columns.map((column, index) => `${column} AS o_${name}_${index}`))
    .join(", ");
}

// Spark's parser takes seconds per deeply nested tree expression (11.7 s for one output of the
// histogram gradient-boosted trees, 142,739 characters); these tests get minutes.
describe.each(COMPILED_TEST_MODELS)("%s compiled to Spark SQL", { timeout: 300_000 }, (name, file) => {
  const graph = readMlGraph(readFileSync(file));

  it("equals ONNX Runtime on all 7043 customers, run by Spark", async () => {
    const compiled = compileGraph(graph, telcoInput(graph), DATABRICKS).outputs;
    const rows = await sparkRows(`SELECT customerID, ${selectOutputs(compiled)} FROM telco`);
    const byCustomer = new Map(rows.map((row) => [row.customerID, row]));
    const customers = telcoCustomers();
    const expected = await runOnnxRuntime(file, graph, customers);
    const ordered = customers.map(
      (customer) => byCustomer.get(customer.customerID) as Record<string, unknown>,
    );
    expect(ordered.every((row) => row !== undefined)).toBe(true);
    expect(compare(ordered, compiled, expected)).toBeLessThan(1e-5);
  });

  it("equals ONNX Runtime on the parity check's own sample (input example + 10,000 generated rows), run by Spark", async () => {
    // The rows the version's check ran on in DuckDB: the example models as the demo registered
    // them, the fixtures registered here.
    const version =
      name.startsWith("churn_") && file.includes("examples")
        ? await example.workspace.registry.getVersion("main.ml.churn", name === "churn_logreg" ? 1 : 2)
        : await example.workspace.registry.registerVersion({
            name: `main.ml.test_${name}`,
            path: file,
            principal: "admin",
          });
    const { sample } = paritySampleOf(version, graph);
    await sampleView(`sample_${name}`, graph, sample);
    const compiled = compileGraph(graph, (input) => DATABRICKS.quoteIdentifier(input), DATABRICKS).outputs;
    const rows = await sparkRows(
      `SELECT ${selectOutputs(compiled)} FROM sample_${name} ORDER BY modelsql_row`,
    );
    expect(rows).toHaveLength(sample.length);
    expect(sample.length).toBeGreaterThanOrEqual(PARITY_SAMPLE_ROWS);
    const expected = await runOnnxRuntime(file, graph, sample);
    expect(compare(rows, compiled, expected)).toBeLessThan(1e-5);
  });
});

describe("UC functions deployed on the compiled route, created and called in Spark", () => {
  const args =
    "gender, CAST(SeniorCitizen AS BIGINT), Partner, Dependents, CAST(tenure AS BIGINT), PhoneService, MultipleLines, InternetService, OnlineSecurity, OnlineBackup, DeviceProtection, TechSupport, StreamingTV, StreamingMovies, Contract, PaperlessBilling, PaymentMethod, CAST(MonthlyCharges AS DOUBLE), TRY_CAST(NULLIF(trim(TotalCharges), '') AS DOUBLE)";

  /** The deployed DDL, its three-level name moved to Spark's default schema. */
  async function createInSpark(name: string): Promise<string> {
    const plan = await planDeployment(example.session, example.workspace);
    const ddl = plan.statements.find((statement) => statement.object === name)?.sql as string;
    const local = `default.${name.split(".")[2]}`;
    await sparkRows(ddl.replace(`FUNCTION ${name}(`, `FUNCTION ${local}(`));
    return local;
  }

  it.each([
    ["main.ml.churn_compiled_v1", "churn_logreg_probability"],
    ["main.ml.churn_compiled_v2", "churn_gbt_probability"],
  ] as const)("%s scores every customer as scikit-learn does", async (name, goldenColumn) => {
    const local = await createInSpark(name);
    const rows = await sparkRows(`SELECT customerID, ${local}(${args}) AS p FROM telco`);
    const golden = new Map(goldenPredictions().map((row) => [row.customerID, row[goldenColumn]]));
    expect(rows).toHaveLength(7043);
    const largest = Math.max(
      ...rows.map((row) => Math.abs((row.p as number) - (golden.get(row.customerID as string) as number))),
    );
    expect(largest).toBeLessThan(1e-5);
  });

  it("returns the STRUCT, and on_null: fail raises NULL_PREDICTION_INPUT in Spark", async () => {
    const local = await createInSpark("main.ml.churn_details_compiled");
    const rows = await sparkRows(
      `SELECT customerID, d.label AS label, d.probabilities['1'] AS p1, d.model AS model, d.version AS version FROM (SELECT customerID, ${local}(${args}) AS d FROM telco)`,
    );
    const golden = new Map(goldenPredictions().map((row) => [row.customerID, row]));
    for (const row of rows) {
      const expected = golden.get(row.customerID as string);
      expect([row.label, row.model, row.version]).toEqual([expected?.churn_logreg_label, "main.ml.churn", 1]);
      expect(Math.abs((row.p1 as number) - (expected?.churn_logreg_probability as number))).toBeLessThan(
        1e-5,
      );
    }
    const failed = await spark.execute(
      `SELECT ${local}(${args.replace("CAST(tenure AS BIGINT)", "CAST(NULL AS BIGINT)")}) FROM telco`,
    );
    expect(failed.ok).toBe(false);
    expect(failed.ok ? "" : failed.error).toContain(
      "[NULL_PREDICTION_INPUT] main.ml.churn_details_compiled got NULL for parameter tenure",
    );
  });
});
