import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkCompiledRoute,
  PARITY_SAMPLE_ROWS,
  parityDifference,
} from "../../src/engines/duckdb/compiled-route-check.js";
import { checkVersion } from "../../src/engines/duckdb/compiled-routes.js";
import { chooseRoute } from "../../src/functions/route-choice.js";
import { OnnxModel } from "../../src/models/onnx-model.js";
import type { ModelVersion } from "../../src/registry/model-registry.js";
import { COMPILER_VERSION } from "../../src/sql/compile/graph-compiler.js";
import { readMlGraph } from "../../src/sql/compile/onnx-ml-nodes.js";
import { telcoCustomers } from "../helpers/example-data.js";
import {
  addFunction,
  type ExampleSession,
  exampleSession,
  FEATURE_COLUMNS,
} from "../helpers/example-session.js";
import { runOnnxRuntime } from "../sql/compile/ort-reference.js";
import { UNCOMPILABLE_MODEL } from "../sql/compile/test-models.js";

/**
 * Which route a function takes and why: the parity check recorded per version, a model with an
 * operator the compiler does not know (an SVM), a version whose compiled SQL does not match
 * ONNX Runtime, and auto's choice following the check's timings.
 */
const SVM = UNCOMPILABLE_MODEL;
let example: ExampleSession;

beforeAll(async () => {
  example = await exampleSession();
  const version = await example.workspace.registry.registerVersion({
    name: "main.ml.churn_svm",
    path: SVM,
    principal: "admin",
  });
  await checkVersion(example.workspace.compiledRoutes, version);
  await addFunction(example.workspace, {
    name: "main.ml.churn_by_svm",
    model: "models:/main.ml.churn_svm/1",
    route: "sql",
  });
  await addFunction(example.workspace, { name: "main.ml.churn_auto_v1", model: "models:/main.ml.churn/1" });
  await addFunction(example.workspace, { name: "main.ml.churn_auto_v2", model: "models:/main.ml.churn/2" });
});
afterAll(() => example?.cleanup());

/** The check the workspace recorded for a version's artifact (with this compiler). */
function recordedCheck(version: ModelVersion) {
  return example.workspace.compiledRoutes.get(version.artifactHash, version.onnxFile, COMPILER_VERSION);
}

describe("a model with an operator the compiler does not know", () => {
  it("registers, and its check records why it has no SQL route", async () => {
    const version = await example.workspace.registry.getVersion("main.ml.churn_svm", 1);
    const check = recordedCheck(version);
    expect(check?.outcome).toBe("unsupported");
    expect(check?.reason).toMatch(/The ONNX operator ai\.onnx\.ml\.SVMClassifier has no SQL form/);
  });

  it("scores through the ONNX UDF even when route: sql is asked for, and explain says why", async () => {
    const [explained] = await example.session.explain(
      `SELECT churn_by_svm(${FEATURE_COLUMNS}) FROM customers`,
    );
    expect(explained?.modelVersions[0]?.route).toBe("onnx");
    expect(explained?.modelVersions[0]?.routeReason).toMatch(
      /^route: sql in the definition, but no compiled SQL: The ONNX operator ai\.onnx\.ml\.SVMClassifier has no SQL form in modelsql yet\.$/,
    );
    const rows = await example.session.queryRows(
      `SELECT customer_id, churn_by_svm(${FEATURE_COLUMNS}) AS p FROM customers WHERE total_charges IS NOT NULL ORDER BY customer_id LIMIT 300`,
    );
    // The reference: ONNX Runtime run directly on the same customers.
    const byId = new Map(telcoCustomers().map((customer) => [customer.customerID, customer]));
    const graph = readMlGraph(readFileSync(SVM));
    const reference = await runOnnxRuntime(
      SVM,
      graph,
      rows.map((row) => byId.get(row.customer_id as string) as Record<string, string>),
    );
    const probabilities = reference.get("probabilities") as number[][];
    rows.forEach((row, index) => {
      expect(Math.abs((row.p as number) - (probabilities[index]?.[1] as number))).toBeLessThan(1e-6);
    });
  });
});

describe("the parity check", () => {
  it("runs on the input example plus at least 10,000 generated rows, and passes for the example models", async () => {
    for (const number of [1, 2]) {
      const version = await example.workspace.registry.getVersion("main.ml.churn", number);
      const check = recordedCheck(version);
      expect(check?.outcome).toBe("passed");
      expect(check?.sampleRows).toBe(PARITY_SAMPLE_ROWS + 4);
      expect(check?.largestDifference).toBeLessThan(1e-5);
      expect(check?.mismatchedValues).toBe(0);
      expect(check?.measuredRows).toBe((PARITY_SAMPLE_ROWS + 4) * 10);
    }
  });

  it("fails a version whose compiled SQL differs from what ONNX Runtime computes", async () => {
    // Version 1's graph compiled to SQL, against version 2's model in ONNX Runtime: the same
    // inputs and outputs, other numbers. The check must see the difference.
    const logreg = await example.workspace.registry.getVersion("main.ml.churn", 1);
    const gbt = await example.workspace.registry.getVersion("main.ml.churn", 2);
    const model = OnnxModel.load(path.join(gbt.artifactDirectory, gbt.onnxFile), { intraOpThreads: 1 });
    try {
      const check = await checkCompiledRoute(logreg, model);
      expect(check.outcome).toBe("failed");
      expect(check.mismatchedValues).toBeGreaterThan(1000);
      expect(check.reason).toMatch(
        /^\d+ values differ from ONNX Runtime by more than 0\.00001 on 10,004 rows$/,
      );
    } finally {
      model.dispose();
    }
  });

  it("leaves a failed version on the ONNX UDF, whatever route is asked for", () => {
    const failed = {
      outcome: "failed" as const,
      reason: "12 values differ from ONNX Runtime by more than 0.00001 on 10,004 rows",
      sampleRows: 10004,
      largestDifference: 0.3,
      mismatchedValues: 12,
      measuredRows: 100040,
      sqlRowsPerSecond: 9e6,
      onnxRowsPerSecond: 1e5,
      checkedAt: new Date(),
    };
    for (const requested of ["auto", "sql", "onnx"] as const)
      expect(chooseRoute(requested, failed).route).toBe("onnx");
    expect(chooseRoute("sql", failed).reason).toBe(
      "route: sql in the definition, but compiled SQL is not offered: 12 values differ from ONNX Runtime by more than 0.00001 on 10,004 rows",
    );
  });
});

describe("route: auto", () => {
  it("takes compiled SQL exactly when the check timed it faster than the UDF", async () => {
    const [explained] = await example.session.explain(
      "SELECT churn_auto_v1(features), churn_auto_v2(features) FROM customer_features",
    );
    for (const [index, number] of [1, 2].entries()) {
      const version = await example.workspace.registry.getVersion("main.ml.churn", number);
      const check = recordedCheck(version);
      const faster = (check?.sqlRowsPerSecond as number) > (check?.onnxRowsPerSecond as number);
      expect(explained?.modelVersions[index]?.route).toBe(faster ? "sql" : "onnx");
      expect(explained?.modelVersions[index]?.routeReason).toMatch(
        new RegExp(
          `^route: auto; faster as ${faster ? "SQL" : "the ONNX UDF"} \\(compiled SQL [\\d,]+ rows/s vs ONNX UDF [\\d,]+ rows/s over 100,040 rows\\)`,
        ),
      );
    }
  });

  it("a new session reads the recorded check rather than checking again", async () => {
    const version = await example.workspace.registry.getVersion("main.ml.churn", 1);
    const recorded = recordedCheck(version);
    expect(recorded).toBeDefined();
    const session = await example.openSession();
    await session.explain("SELECT churn_auto_v1(features) FROM customer_features");
    expect(recordedCheck(version)?.checkedAt).toEqual(recorded?.checkedAt);
  });
});

it("compares values as the parity check must: NaN and infinities only with themselves, NULL with nothing", () => {
  expect(parityDifference(0.3, Number.NaN)).toBe(Number.POSITIVE_INFINITY);
  expect(parityDifference(Number.NaN, Number.NaN)).toBe(0);
  expect(parityDifference(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(0);
  expect(parityDifference(1e308, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  expect(parityDifference(null, 0.5)).toBe(Number.POSITIVE_INFINITY);
  expect(parityDifference(0.5000001, 0.5)).toBeCloseTo(1e-7, 12);
  expect(parityDifference(101.001, 101)).toBeCloseTo(0.001 / 101, 12);
  expect(parityDifference("One year", "One year")).toBe(0);
  expect(parityDifference("One year", "Two year")).toBeUndefined();
});
