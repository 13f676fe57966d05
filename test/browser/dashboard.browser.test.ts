/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelInputRecord, REPOSITORY_ROOT, telcoCustomers } from "../helpers/example-data.js";
import { runCli } from "../helpers/run-cli.js";
import { exampleServer, type RunningServer } from "../helpers/running-server.js";

const SCREENSHOT = path.join(REPOSITORY_ROOT, "test-results/dashboard.png");
const FUNCTION = "main.ml.predict_churn";

/** Flags that keep Chromium off the network this machine does not have (FINDINGS of the machine). */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("the dashboard in a real browser", () => {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await exampleServer();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
  });

  const sql = async (statement: string): Promise<string[][]> => {
    const answer = await server.call("admin", "POST", "/api/2.0/sql/statements", {
      statement,
      wait_timeout: "50s",
    });
    expect(answer.body).toMatchObject({ status: { state: "SUCCEEDED" } });
    return (answer.body.result as { data_array: string[][] }).data_array;
  };

  it("shows the scoring history, predictions and drift of predict_churn after scoring, as the log and modelsql monitor have them", async () => {
    // Some scoring: the whole table through the statements API, then a few invocations.
    await sql("SELECT avg(predict_churn(features)) FROM main.sales.customer_features");
    const customers = telcoCustomers().slice(0, 40);
    const records = customers.map(modelInputRecord);
    for (let start = 0; start < records.length; start += 10) {
      const answer = await server.call(
        "analyst",
        "POST",
        "/serving-endpoints/modelsql-main-ml-predict_churn/invocations",
        {
          dataframe_records: records.slice(start, start + 10),
        },
      );
      expect(answer.status).toBe(200);
    }
    // What the log says, independently of the report: rows and records that succeeded.
    const [[rows, statements, versions]] = (await sql(
      `SELECT sum(rows_scored), count(*), string_agg(DISTINCT model_version::VARCHAR, ', ' ORDER BY model_version::VARCHAR) FROM system.serving.inference_log WHERE function_name = '${FUNCTION}' AND status = 'succeeded'`,
    )) as [[string, string, string]];
    expect(Number(rows)).toBeGreaterThanOrEqual(7043 + 40);

    const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(`${server.url}/dashboard?function=${FUNCTION}`);
    await page.fill("#token", server.tokens.admin);
    await page.selectOption("#since", "");
    await page.click("button[type=submit]");
    await page.waitForSelector(`body[data-loaded="${FUNCTION}"]`);
    expect(problems).toEqual([]);

    expect(await page.textContent("[data-testid=total-rows]")).toBe(Number(rows).toLocaleString("en-US"));
    expect(await page.textContent("[data-testid=total-statements]")).toBe(
      Number(statements).toLocaleString("en-US"),
    );
    expect(await page.textContent("[data-testid=versions]")).toBe(versions);

    // The charts are drawn (pixels on each canvas) from the report's numbers.
    const drawn = await page.evaluate(() => {
      const chartOf = (id: string) =>
        (
          globalThis as unknown as {
            Chart: {
              getChart(canvas: HTMLCanvasElement): {
                data: { labels: string[]; datasets: { data: number[] }[] };
              };
            };
          }
        ).Chart.getChart(document.getElementById(id) as HTMLCanvasElement);
      const inked = (id: string) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement;
        const pixels = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
          0,
          0,
          canvas.width,
          canvas.height,
        ).data;
        let count = 0;
        for (let index = 3; index < pixels.length; index += 4) if ((pixels[index] as number) > 0) count += 1;
        return count;
      };
      const scoring = chartOf("scoring-chart");
      const predictions = chartOf("predictions-chart");
      return {
        scoredRows: scoring.data.datasets
          .flatMap((dataset) => dataset.data)
          .reduce((sum, value) => sum + value, 0),
        predictionShares: predictions.data.datasets[0]?.data.reduce((sum, value) => sum + value, 0),
        predictionBins: predictions.data.labels.length,
        featureCharts: document.querySelectorAll("#feature-charts canvas").length,
        ink: ["scoring-chart", "predictions-chart", "psi-chart"].map(inked),
      };
    });
    expect(drawn.scoredRows).toBe(Number(rows));
    expect(drawn.predictionShares).toBeCloseTo(1, 9);
    expect(drawn.predictionBins).toBeGreaterThan(1);
    expect(drawn.featureCharts).toBe(19);
    for (const ink of drawn.ink) expect(ink).toBeGreaterThan(1000);

    const table = await page.$$eval("#drift-table tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
    );
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();

    // `modelsql monitor` prints the same drift figures (run once the server has let go of the data).
    await server.stop();
    const monitor = await runCli(server.directory, ["--format", "json", "monitor", FUNCTION]);
    expect(monitor.code, monitor.stderr).toBe(0);
    const report = JSON.parse(monitor.stdout) as {
      drift: { features: { feature: string; psi: number; level: string }[] };
    };
    const expected = report.drift.features
      .map((feature) => [feature.feature, feature.psi.toFixed(4), feature.level])
      .sort((a, b) => Number(b[1]) - Number(a[1]) || 0);
    expect(new Map(table.map((row) => [row[0], row]))).toEqual(new Map(expected.map((row) => [row[0], row])));
  });
});
