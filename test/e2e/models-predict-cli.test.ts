import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initWorkspace, openWorkspace } from "../../src/workspace.js";
import {
  GRADIENT_BOOSTED_TREES_DIRECTORY,
  goldenPredictions,
  LOGISTIC_REGRESSION_DIRECTORY,
  REPOSITORY_ROOT,
} from "../helpers/example-data.js";
import { runCli } from "../helpers/run-cli.js";

const TELCO = path.join(REPOSITORY_ROOT, "examples/data/telco_churn.csv");
let parent: string;
let workspace: string;

beforeAll(async () => {
  parent = mkdtempSync(path.join(tmpdir(), "modelsql-predict-"));
  workspace = path.join(parent, "workspace");
  initWorkspace(workspace, { owner: "admin" });
  const opened = openWorkspace(workspace);
  await opened.registry.registerVersion({
    name: "main.ml.churn",
    path: LOGISTIC_REGRESSION_DIRECTORY,
    principal: "admin",
  });
  await opened.registry.registerVersion({
    name: "main.ml.churn",
    path: GRADIENT_BOOSTED_TREES_DIRECTORY,
    principal: "admin",
  });
  await opened.registry.setAlias("main.ml.churn", "champion", 2);
  opened.close();
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe("modelsql models predict", () => {
  for (const [target, key] of [
    ["main.ml.churn/1", "churn_logreg"],
    ["main.ml.churn@champion", "churn_gbt"],
  ] as const) {
    it(`${target} scores all 7043 customers as scikit-learn does`, async () => {
      const run = await runCli(workspace, [
        "models",
        "predict",
        target,
        "--input",
        TELCO,
        "--keep",
        "customerID",
      ]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const rows = parse(run.stdout, { columns: true }) as Record<string, string>[];
      const golden = goldenPredictions();
      expect(rows).toHaveLength(golden.length);
      rows.forEach((row, index) => {
        const expected = golden[index];
        expect(row.customerID).toBe(expected?.customerID);
        expect(
          Math.abs(Number(row.probabilities_1) - (expected?.[`${key}_probability`] as number)),
        ).toBeLessThan(1e-5);
        expect(Number(row.label)).toBe(expected?.[`${key}_label`]);
      });
      expect(new Set(rows.map((row) => row.model_version))).toEqual(
        new Set([key === "churn_gbt" ? "main.ml.churn/2" : "main.ml.churn/1"]),
      );
    });
  }

  it("writes JSON rows with numbers as numbers", async () => {
    const run = await runCli(workspace, [
      "models",
      "predict",
      "main.ml.churn/2",
      "-i",
      TELCO,
      "--limit",
      "3",
      "--format",
      "json",
    ]);
    const rows = JSON.parse(run.stdout);
    expect(rows).toHaveLength(3);
    expect(typeof rows[0].probabilities_1).toBe("number");
    expect(rows[0].label).toBe(goldenPredictions()[0]?.churn_gbt_label);
  });

  it("a blank where the model requires a value is a DATATYPE_MISMATCH naming row and column, and no output file is left", async () => {
    const lines = readFileSync(TELCO, "utf8").split("\n");
    const header = (lines[0] as string).split(",");
    const broken = (lines[3] as string).split(",");
    broken[header.indexOf("tenure")] = "";
    const input = path.join(parent, "broken.csv");
    writeFileSync(input, [lines[0], lines[1], lines[2], broken.join(",")].join("\n"));
    const output = path.join(parent, "scores.csv");
    const run = await runCli(workspace, ["models", "predict", "main.ml.churn/2", "-i", input, "-o", output]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^\[DATATYPE_MISMATCH\] row 4 of broken\.csv, column 'tenure' is blank, but the model requires a value there/,
    );
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(parent).filter((name) => name.startsWith("scores"))).toEqual([]);
  });

  it("an output path that cannot be written is refused before scoring", async () => {
    const output = path.join(parent, "missing-directory", "scores.csv");
    const run = await runCli(workspace, ["models", "predict", "main.ml.churn/2", "-i", TELCO, "-o", output]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\[INVALID_PARAMETER_VALUE\] Cannot write '.*scores\.csv': ENOENT/);
  });

  it("a CSV without a column the model needs is refused, naming it", async () => {
    const input = path.join(parent, "narrow.csv");
    writeFileSync(input, "customerID,tenure\n1,3\n");
    const run = await runCli(workspace, ["models", "predict", "main.ml.churn/2", "-i", input]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[DATATYPE_MISMATCH\] narrow\.csv has no column 'gender', 'Partner'/);
  });

  it("a bare model name is refused with the forms that name a version", async () => {
    const run = await runCli(workspace, ["models", "predict", "main.ml.churn", "-i", TELCO]);
    expect(run.stderr).toMatch(/names a model but not which version\. Say main\.ml\.churn\/<version>/);
  });
});

describe("modelsql models predict with unreadable input", () => {
  it("a directory as input is a user error with a class, not a crash", async () => {
    const run = await runCli(workspace, ["models", "predict", "main.ml.churn/2", "-i", parent]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^\[INVALID_PARAMETER_VALUE\] The input '.*' is not a file\. Give the path of a CSV file\./,
    );
  });

  it("a malformed CSV is a DATATYPE_MISMATCH naming the file", async () => {
    const input = path.join(parent, "ragged.csv");
    writeFileSync(input, `${readFileSync(TELCO, "utf8").split("\n")[0]}\nonly,three,cells\n`);
    const run = await runCli(workspace, ["models", "predict", "main.ml.churn/2", "-i", input]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\[DATATYPE_MISMATCH\] '.*ragged\.csv' is not a CSV file modelsql can read/);
  });
});
