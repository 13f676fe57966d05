import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeBaseline } from "../../src/engines/duckdb/baseline-computation.js";
import type { LocalSession } from "../../src/engines/duckdb/local-session.js";
import { buildMonitorReport } from "../../src/engines/duckdb/monitor-report.js";
import type { FunctionDefinition } from "../../src/functions/function-definition.js";
import type { DriftBaseline } from "../../src/monitoring/drift-baselines.js";
import { telcoCustomers } from "../helpers/example-data.js";
import { type ExampleSession, exampleSession } from "../helpers/example-session.js";
import { runCli } from "../helpers/run-cli.js";

/**
 * Drift as `modelsql monitor` reports it, on the example workspace: the baseline from the Telco
 * customers, then statements that score only month-to-month customers. Expected values: counts
 * from the raw CSV, and the PSI formula applied to them by hand.
 */
let example: ExampleSession;
let session: LocalSession;
let definition: FunctionDefinition;
let baseline: DriftBaseline;
const customers = telcoCustomers();

beforeAll(async () => {
  example = await exampleSession();
  session = example.session;
  definition = example.workspace.functions.get("main.ml.predict_churn").definition;
  baseline = await computeBaseline(session, definition, "SELECT * FROM customers");
  example.workspace.driftBaselines.save(baseline);
}, 120_000);
afterAll(() => example?.cleanup());

function countsOf(column: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const customer of customers)
    counts.set(customer[column] as string, (counts.get(customer[column] as string) ?? 0) + 1);
  return counts;
}

describe("drift baselines", () => {
  it("take each parameter's distribution over the reference query: categories as the data has them", () => {
    expect(baseline.rowCount).toBe(7043);
    const contract = baseline.features.find((feature) => feature.bins.name === "contract");
    expect(contract?.bins).toEqual({
      name: "contract",
      kind: "categorical",
      categories: ["Month-to-month", "Two year", "One year"],
    });
    const counts = countsOf("Contract");
    expect(contract?.counts).toEqual([
      counts.get("Month-to-month"),
      counts.get("Two year"),
      counts.get("One year"),
      0,
      0,
    ]);
  });

  it("bin numbers by the reference's deciles, and count NULLs (the 11 blank TotalCharges) apart", () => {
    const total = baseline.features.find((feature) => feature.bins.name === "total_charges");
    expect(total?.bins.kind).toBe("numeric");
    expect(total?.counts.at(-1)).toBe(
      customers.filter((customer) => customer.TotalCharges?.trim() === "").length,
    );
    expect(total?.counts.reduce((sum, count) => sum + count, 0)).toBe(7043);
    // Ten bins of about a tenth each (distinct values; ties at an edge move a few rows).
    for (const count of total?.counts.slice(0, -1) ?? []) expect(Math.abs(count - 703)).toBeLessThan(40);
  });

  it("a reference query without a parameter's column is refused, naming it", async () => {
    await expect(computeBaseline(session, definition, "SELECT customer_id FROM customers")).rejects.toThrow(
      /^\[UNRESOLVED_COLUMN\] Referenced column "gender" not found/,
    );
  });
});

describe("the monitor report", () => {
  it("after scoring month-to-month customers only, contract drifts as the PSI formula says", async () => {
    await session.queryRows(
      "SELECT sum(predict_churn(features)) FROM customer_features WHERE features.contract = 'Month-to-month'",
    );
    const report = await buildMonitorReport(session, definition.name, {
      bucket: "day",
      baseline,
      returns: "probability",
    });
    const monthToMonth = countsOf("Contract").get("Month-to-month") as number;
    expect(report.scoring).toHaveLength(1);
    expect(report.scoring[0]).toMatchObject({ modelVersion: 2, statements: 1, rows: monthToMonth });
    const contract = report.drift?.features.find((feature) => feature.feature === "contract");
    // Scored: all month-to-month; baseline: the CSV's shares. Empty bins floored at 0.0001.
    const counts = countsOf("Contract");
    const expectedShares = [
      monthToMonth / 7043,
      (counts.get("Two year") as number) / 7043,
      (counts.get("One year") as number) / 7043,
      1e-4,
      1e-4,
    ];
    const scoredShares = [1, 1e-4, 1e-4, 1e-4, 1e-4];
    const psi = expectedShares.reduce(
      (sum, share, index) =>
        sum + ((scoredShares[index] as number) - share) * Math.log((scoredShares[index] as number) / share),
      0,
    );
    expect(contract?.psi).toBeCloseTo(psi, 6);
    expect(contract?.level).toBe("significant");
    // Gender was not selected on: it stays stable.
    expect(report.drift?.features.find((feature) => feature.feature === "gender")?.level).toBe("stable");
    expect(report.sampledRows).toBe(100);
    expect(report.predictions.reduce((sum, bin) => sum + bin.share, 0)).toBeCloseTo(1, 9);
  });

  it("weighs each statement's sample by the rows it scored", async () => {
    // A second statement scoring the two-year customers: 100 samples standing for far fewer rows.
    await session.queryRows(
      "SELECT sum(predict_churn(features)) FROM customer_features WHERE features.contract = 'Two year'",
    );
    const report = await buildMonitorReport(session, definition.name, {
      bucket: "day",
      baseline,
      returns: "probability",
    });
    const contract = report.drift?.features.find((feature) => feature.feature === "contract");
    const counts = countsOf("Contract");
    expect(contract?.bins[0]?.scored).toBeCloseTo(counts.get("Month-to-month") as number, 6);
    expect(contract?.bins[1]?.scored).toBeCloseTo(counts.get("Two year") as number, 6);
  });

  it("a function that scored nothing has no PSI yet, rather than a stable one; the demo set its baseline", async () => {
    const details = example.workspace.driftBaselines.get("main.ml.predict_churn_details");
    expect(details.referenceQuery).toBe("SELECT * FROM main.sales.customers");
    const report = await buildMonitorReport(session, "main.ml.predict_churn_details", {
      bucket: "day",
      baseline: details,
      returns: "struct",
    });
    expect(report.scoring).toEqual([]);
    expect(
      report.drift?.features.every((feature) => feature.psi === null && feature.level === "no scored rows"),
    ).toBe(true);
  });

  it("modelsql monitor prints the history, the predictions and the drift; it needs SELECT on the log", async () => {
    session.close();
    const printed = await runCli(example.directory, ["monitor", "predict_churn"]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/Scored rows of main\.ml\.predict_churn:\n/);
    expect(printed.stdout).toMatch(/\ncontract +\d\.\d{4} +significant\n/);
    const refused = await runCli(example.directory, ["monitor", "predict_churn", "--as", "analyst"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^\[INSUFFICIENT_PERMISSIONS\] User 'analyst' does not have SELECT on TABLE 'system\.serving\.inference_log'/,
    );
    const notManager = await runCli(example.directory, [
      "monitor",
      "predict_churn",
      "--as",
      "analyst",
      "--baseline-query",
      "SELECT * FROM customers WHERE false",
    ]);
    expect(notManager.stderr).toMatch(
      /^\[INSUFFICIENT_PERMISSIONS\] User 'analyst' may not set the drift baseline of main\.ml\.predict_churn: that takes ownership or MANAGE on it/,
    );
    const badSince = await runCli(example.directory, ["monitor", "predict_churn", "--since", "soon"]);
    expect(badSince.stderr).toMatch(/^\[INVALID_PARAMETER_VALUE\] --since 'soon' is not a duration/);
    session = await example.openSession();
  });
});
