import { readFileSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileGraph } from "../../../src/sql/compile/graph-compiler.js";
import { readMlGraph } from "../../../src/sql/compile/onnx-ml-nodes.js";
import { DUCKDB } from "../../../src/sql/dialects/duckdb-dialect.js";
import {
  EXAMPLE_MODELS,
  goldenPredictions,
  REPOSITORY_ROOT,
  telcoCustomers,
} from "../../helpers/example-data.js";
import { runOnnxRuntime } from "./ort-reference.js";
import { COMPILED_TEST_MODELS, UNCOMPILABLE_MODEL } from "./test-models.js";

/**
 * Every operator family skl2onnx emits for scikit-learn pipelines, compiled to DuckDB SQL and
 * run on all 7043 Telco customers, against ONNX Runtime run directly on the same rows (and, for
 * the example models, against scikit-learn's own predictions). Values within 1e-5 (relative to
 * the value's size for regressions, whose outputs are in dollars), labels equal.
 */
const CSV = path.join(REPOSITORY_ROOT, "examples/data/telco_churn.csv");
const TEXT = 8;
const INT64 = 7;

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
});
afterAll(() => instance.closeSync());

function inputColumn(graph: ReturnType<typeof readMlGraph>) {
  return (name: string) => {
    const quoted = `"${name}"`;
    const type = graph.inputTypes.get(name);
    if (type === TEXT) return quoted;
    if (type === INT64) return `CAST(${quoted} AS BIGINT)`;
    return `TRY_CAST(NULLIF(trim(${quoted}), '') AS DOUBLE)`;
  };
}

async function compiledRows(
  modelFile: string,
): Promise<{ outputs: Map<string, unknown[]>; graph: ReturnType<typeof readMlGraph> }> {
  const graph = readMlGraph(readFileSync(modelFile));
  const compiled = compileGraph(graph, inputColumn(graph), DUCKDB);
  const selected = [...compiled.outputs].flatMap(([name, columns]) =>
    columns.map((column, index) => `${column} AS "${name}#${index}"`),
  );
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(
    `SELECT ${selected.join(", ")} FROM read_csv('${CSV}', all_varchar = true)`,
  );
  connection.closeSync();
  const records = reader.getRowObjectsJS() as Record<string, unknown>[];
  const outputs = new Map<string, unknown[]>();
  for (const [name, columns] of compiled.outputs) {
    outputs.set(
      name,
      records.map((record) => {
        const values = columns.map((_, index) => record[`${name}#${index}`]);
        return columns.length === 1 && name === "label" ? values[0] : values;
      }),
    );
  }
  return { outputs, graph };
}

function normalized(value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

describe.each(COMPILED_TEST_MODELS)("%s compiled to DuckDB SQL (%s)", (_name, file) => {
  it("equals ONNX Runtime on all 7043 customers", async () => {
    const { outputs, graph } = await compiledRows(file);
    const expected = await runOnnxRuntime(file, graph, telcoCustomers());
    expect([...outputs.keys()].sort()).toEqual([...expected.keys()].sort());
    let largest = 0;
    for (const [name, values] of outputs) {
      const reference = expected.get(name) as unknown[];
      expect(values).toHaveLength(7043);
      values.forEach((value, row) => {
        const want = reference[row];
        if (Array.isArray(want)) {
          (value as unknown[]).forEach((got, column) => {
            const target = want[column] as number;
            const difference = Math.abs((normalized(got) as number) - target) / Math.max(1, Math.abs(target));
            largest = Math.max(largest, difference);
          });
        } else {
          expect(normalized(value)).toBe(want);
        }
      });
    }
    expect(largest).toBeLessThan(1e-5);
  });
});

describe.each([
  ["churn_logreg", "churn_logreg_probability", "churn_logreg_label"],
  ["churn_gbt", "churn_gbt_probability", "churn_gbt_label"],
] as const)("example model %s compiled", (model, probabilityColumn, labelColumn) => {
  it("scores every customer as scikit-learn does", async () => {
    const { outputs } = await compiledRows(path.join(EXAMPLE_MODELS, model, "model.onnx"));
    const golden = goldenPredictions();
    const probabilities = outputs.get("probabilities") as number[][];
    const labels = outputs.get("label") as unknown[];
    let largest = 0;
    golden.forEach((row, index) => {
      largest = Math.max(largest, Math.abs((probabilities[index]?.[1] as number) - row[probabilityColumn]));
      expect(normalized(labels[index])).toBe(row[labelColumn]);
    });
    expect(largest).toBeLessThan(1e-5);
  });
});

it("names the operator it cannot compile", () => {
  const graph = readMlGraph(readFileSync(UNCOMPILABLE_MODEL));
  expect(() => compileGraph(graph, inputColumn(graph), DUCKDB)).toThrow(
    /\[UNSUPPORTED_FEATURE\] The ONNX operator ai\.onnx\.ml\.SVMClassifier has no SQL form/,
  );
});
