import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { columnTensor } from "../../src/models/column-tensor.js";
import { OnnxModel } from "../../src/models/onnx-model.js";
import { REPOSITORY_ROOT } from "../helpers/example-data.js";
import {
  addFunction,
  type ExampleSession,
  exampleSession,
  FEATURE_COLUMNS,
} from "../helpers/example-session.js";

/**
 * The ONNX UDF reads text arguments straight as category codes (string-vector-reader.ts). Values
 * no encoder lists must score as the published graph scores them as text: short ones (kept inside
 * DuckDB's 16-byte string), long ones sharing a 4-byte prefix with a category (found by hash),
 * blanks, case and space variants. Expected values: ONNX Runtime on the graph as published, fed
 * the same rows as string tensors.
 */
let example: ExampleSession;

beforeAll(async () => {
  example = await exampleSession();
  await addFunction(example.workspace, {
    name: "main.ml.churn_v2_onnx",
    model: "models:/main.ml.churn/2",
    route: "onnx",
  });
});
afterAll(() => example?.cleanup());

const UNSEEN: Record<string, readonly string[]> = {
  gender: ["Unknown", "female", ""],
  payment_method: ["Bank transfer (manual)", "Electronic check ", "Mailed cheque"],
  internet_service: ["Fiber optic (2 Gbit/s, new customers)", "DSL", "no"],
  contract: ["Two years", "One year", "Month-to-month"],
};

it("values no encoder lists score as the published graph scores them as text, in both call forms", async () => {
  const session = example.session;
  // 7043 customers (4 chunks); every 3rd row gets an unseen or variant value in 4 columns.
  const replaced = Object.entries(UNSEEN)
    .map(([column, values]) => {
      const list = values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ");
      return `CASE WHEN n % 3 = 0 THEN [${list}][1 + (n // 3) % ${values.length}] ELSE ${column} END AS ${column}`;
    })
    .join(", ");
  await session.queryRows(
    `CREATE TABLE main.sales.unseen AS SELECT * REPLACE (${replaced}) FROM (SELECT row_number() OVER () AS n, * FROM customers)`,
  );
  const scored = await session.queryRows(
    `SELECT churn_v2_onnx(${FEATURE_COLUMNS}) AS p, churn_v2_onnx(struct_pack(${FEATURE_COLUMNS})) AS p_struct, ${FEATURE_COLUMNS} FROM unseen ORDER BY n`,
  );
  expect(scored).toHaveLength(7043);
  expect(new Set(scored.map((row) => row.payment_method))).toContain("Bank transfer (manual)");

  const version = await example.workspace.registry.getVersion("main.ml.churn", 2);
  const published = OnnxModel.load(path.join(version.artifactDirectory, version.onnxFile), {
    categoryCodes: false,
    intraOpThreads: 1,
  });
  const definition = parseYaml(
    readFileSync(path.join(REPOSITORY_ROOT, "udfs/predict_churn.yaml"), "utf8"),
  ) as { parameters: { name: string; input: string }[] };
  const parameterOf = new Map(definition.parameters.map((parameter) => [parameter.input, parameter.name]));
  const feeds = Object.fromEntries(
    published.modelInterface.inputs.map((input) => {
      const column = parameterOf.get(input.name) as string;
      const values = scored.map((row) => {
        const value = row[column];
        return typeof value === "bigint" ? Number(value) : (value as string | number | null);
      });
      return [input.name, columnTensor(input, values)];
    }),
  );
  const probabilities = published.run(feeds, ["probabilities"]).probabilities?.data as Float32Array;
  published.dispose();
  const expected = scored.map((_, row) => probabilities[row * 2 + 1] as number);
  expect(scored.map((row) => row.p)).toEqual(expected);
  expect(scored.map((row) => row.p_struct)).toEqual(expected);
});
