import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import { goldenPredictions, REPOSITORY_ROOT } from "../helpers/example-data.js";
import { runCli } from "../helpers/run-cli.js";

let parent: string;
let workspace: string;
const gbt = new Map(goldenPredictions().map((row) => [row.customerID, row.churn_gbt_probability]));
const SEED = "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features";

beforeAll(async () => {
  parent = mkdtempSync(path.join(tmpdir(), "modelsql-cli-"));
  workspace = path.join(parent, "workspace");
  const demo = await runCli(workspace, ["demo", "--owner", "admin"]);
  expect(demo.code).toBe(0);
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

it("demo builds the example workspace and says what it did; a second run keeps it", async () => {
  const again = await runCli(workspace, ["demo"]);
  expect(again.code).toBe(0);
  expect(again.stderr).not.toContain("registered");
  const models = await runCli(workspace, ["--format", "json", "models", "describe", "main.ml.churn"]);
  expect(JSON.parse(models.stdout).versions).toHaveLength(2);
});

it("runs the README's seed query verbatim and prints every customer's churn probability", async () => {
  const result = await runCli(workspace, ["query", SEED, "--format", "csv"]);
  expect(result.code).toBe(0);
  const rows = parse(result.stdout, { columns: true }) as { customer_id: string; churn_prediction: string }[];
  expect(rows).toHaveLength(7043);
  const largest = Math.max(
    ...rows.map((row) => Math.abs(Number(row.churn_prediction) - (gbt.get(row.customer_id) as number))),
  );
  expect(largest).toBeLessThan(1e-5);
});

it("--format json prints an array of row objects with numbers as numbers", async () => {
  const result = await runCli(workspace, [
    "--format",
    "json",
    "query",
    "SELECT customer_id, tenure, predict_churn_details(features) AS d FROM customer_features JOIN customers USING (customer_id) ORDER BY customer_id LIMIT 2",
  ]);
  expect(result.code).toBe(0);
  const rows = JSON.parse(result.stdout) as {
    customer_id: string;
    tenure: number;
    d: { label: number; probabilities: Record<string, number>; model: string; version: number };
  }[];
  expect(rows).toHaveLength(2);
  expect(typeof rows[0]?.tenure).toBe("number");
  expect(rows[0]?.d.model).toBe("main.ml.churn");
  expect(rows[0]?.d.version).toBe(1);
  expect((rows[0]?.d.probabilities["0"] as number) + (rows[0]?.d.probabilities["1"] as number)).toBeCloseTo(
    1,
    5,
  );
});

it("--format table prints aligned columns and a row count", async () => {
  const result = await runCli(workspace, ["query", `${SEED} ORDER BY customer_id LIMIT 3`]);
  expect(result.code).toBe(0);
  const lines = result.stdout.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^customer_id\s+\| churn_prediction$/);
  expect(lines).toHaveLength(6);
  expect(lines[5]).toBe("(3 rows)");
});

it("--file runs a script; --schema sets where unqualified names resolve", async () => {
  const script = path.join(parent, "script.sql");
  writeFileSync(
    script,
    "CREATE OR REPLACE VIEW main.ml.top AS\n  SELECT * FROM main.sales.churn_scores ORDER BY churn_probability DESC LIMIT 10;\nSELECT count(*) AS n FROM top;\n",
  );
  const result = await runCli(workspace, [
    "query",
    "--file",
    script,
    "--schema",
    "main.ml",
    "--format",
    "csv",
  ]);
  expect(result.stderr).toBe("");
  expect(result.stdout).toBe("n\n10\n");
});

it("SQL errors go to stderr with their class, line and column, and exit 1; --format json gives a JSON error", async () => {
  const result = await runCli(workspace, [
    "query",
    "SELECT customer_id,\n  predict_churn(tenure, contract) AS p\nFROM customers",
  ]);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^\[WRONG_NUM_ARGS\] main\.ml\.predict_churn takes 19 arguments/);
  expect(result.stderr).toContain("(line 2, column 3)");
  const json = await runCli(workspace, ["--format", "json", "query", "SELECT * FROM nowhere"]);
  expect(json.code).toBe(1);
  const error = JSON.parse(json.stderr).error;
  expect(error.error_class).toBe("TABLE_OR_VIEW_NOT_FOUND");
  expect(error.line).toBe(1);
  expect(error.column).toBe(15);
});

it("functions create, list, describe and drop", async () => {
  const definition = path.join(parent, "label.yaml");
  writeFileSync(
    definition,
    `name: main.ml.churn_label\nmodel: models:/main.ml.churn/2\nreturns: { kind: label }\ndescription: Churn label\nparameters:\n${[
      ["tenure", "BIGINT", "tenure"],
      ["monthly_charges", "DOUBLE", "MonthlyCharges"],
    ]
      .map(([name, type, input]) => `  - { name: ${name}, type: ${type}, input: ${input} }`)
      .join("\n")}\n`,
  );
  const misfit = await runCli(workspace, ["functions", "create", definition]);
  expect(misfit.code).toBe(1);
  expect(misfit.stderr).toContain("[MODEL_INVALID]");
  expect(misfit.stderr).toContain("no parameter feeds input");

  const created = await runCli(workspace, [
    "functions",
    "create",
    path.join(REPOSITORY_ROOT, "udfs/predict_churn.yaml"),
  ]);
  expect(created.code).toBe(1);
  expect(created.stderr).toContain("[ROUTINE_ALREADY_EXISTS]");

  const list = await runCli(workspace, ["--format", "json", "functions", "list"]);
  expect((JSON.parse(list.stdout) as { name: string }[]).map((entry) => entry.name)).toEqual([
    "main.ml.predict_churn",
    "main.ml.predict_churn_details",
  ]);
  const describe = await runCli(workspace, ["functions", "describe", "main.ml.predict_churn"]);
  expect(describe.stdout).toMatch(/Version now:\s+2/);
  expect(describe.stdout).toContain("senior_citizen     BIGINT  SeniorCitizen");

  const dropped = await runCli(workspace, ["functions", "drop", "main.ml.predict_churn_details"]);
  expect(dropped.code).toBe(0);
  const gone = await runCli(workspace, [
    "query",
    "SELECT predict_churn_details(features) FROM customer_features",
  ]);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toMatch(/^\[UNRESOLVED_ROUTINE\]/);
});

it.each([
  [1, "churn_logreg_probability"],
  [2, "churn_gbt_probability"],
] as const)(
  "route: sql scores all 7043 customers through `modelsql query` with version %i compiled to SQL, as scikit-learn does",
  async (version, goldenColumn) => {
    const yaml = readFileSync(path.join(REPOSITORY_ROOT, "udfs/predict_churn.yaml"), "utf8")
      .replace("name: main.ml.predict_churn", `name: main.ml.churn_sql_v${version}`)
      .replace(
        "model: models:/main.ml.churn@champion",
        `model: models:/main.ml.churn/${version}\nroute: sql`,
      );
    const file = path.join(parent, `churn_sql_v${version}.yaml`);
    writeFileSync(file, yaml);
    expect((await runCli(workspace, ["functions", "create", file])).code).toBe(0);
    const described = await runCli(workspace, ["functions", "describe", `main.ml.churn_sql_v${version}`]);
    expect(described.stdout).toMatch(
      /\nRoute: +sql \(route: sql in the definition; compiled SQL equal to ONNX Runtime/,
    );
    const result = await runCli(workspace, [
      "query",
      `SELECT customer_id, churn_sql_v${version}(features) AS p FROM customer_features`,
      "--format",
      "csv",
    ]);
    expect(result.code).toBe(0);
    const rows = parse(result.stdout, { columns: true }) as { customer_id: string; p: string }[];
    const golden = new Map(goldenPredictions().map((row) => [row.customerID, row[goldenColumn]]));
    expect(rows).toHaveLength(7043);
    const largest = Math.max(
      ...rows.map((row) => Math.abs(Number(row.p) - (golden.get(row.customer_id) as number))),
    );
    expect(largest).toBeLessThan(1e-5);
    const explained = await runCli(workspace, [
      "explain",
      `SELECT churn_sql_v${version}(features) FROM customer_features`,
    ]);
    expect(explained.stdout).toMatch(
      new RegExp(
        `main\\.ml\\.churn_sql_v${version} +models:/main\\.ml\\.churn/${version} +${version} +sql +route: sql in the definition`,
      ),
    );
  },
);
