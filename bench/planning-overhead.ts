/**
 * Planning overhead: the time from SQL text to the start of execution (analyse with DuckDB's
 * parser, resolve names, check privileges, rewrite, bind the functions' versions), p50 and p99
 * over --runs runs, for the seed query and a 50-line query, as the analyst. The baseline in the
 * same script is DuckDB preparing the statement modelsql would run (its own parse and bind).
 *
 *   npm run bench:planning                 # 1000 runs each
 *   npm run bench:planning -- --runs 100
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LocalSession } from "../src/engines/duckdb/local-session.js";
import { buildExampleWorkspace } from "../src/example-workspace.js";
import { openWorkspace } from "../src/workspace.js";
import { latencies, option, percentile, writeJsonResult } from "./bench-options.js";

const runs = option("runs", 1000);

const SEED = "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features";

/** A 50-line query of the kind a dashboard sends: CTEs, joins, a window, CASE, filters, the function. */
const FIFTY_LINES = `WITH scored AS (
  SELECT
    f.customer_id,
    predict_churn(f.features) AS churn_probability
  FROM main.sales.customer_features AS f
),
customers AS (
  SELECT
    c.customer_id,
    c.contract,
    c.tenure,
    c.monthly_charges,
    c.total_charges,
    c.payment_method,
    c.internet_service
  FROM main.sales.customers AS c
  WHERE c.tenure IS NOT NULL
),
joined AS (
  SELECT
    customers.*,
    scored.churn_probability,
    CASE
      WHEN scored.churn_probability >= 0.7 THEN 'high'
      WHEN scored.churn_probability >= 0.4 THEN 'medium'
      ELSE 'low'
    END AS risk_band
  FROM customers
  JOIN scored ON scored.customer_id = customers.customer_id
),
ranked AS (
  SELECT
    joined.*,
    row_number() OVER (PARTITION BY contract ORDER BY churn_probability DESC) AS rank_in_contract
  FROM joined
)
SELECT
  contract,
  risk_band,
  count(*) AS customers,
  round(avg(churn_probability), 4) AS mean_probability,
  round(sum(monthly_charges), 2) AS monthly_revenue_at_risk,
  max(tenure) AS longest_tenure,
  min(rank_in_contract) AS best_rank
FROM ranked
WHERE payment_method <> 'Mailed check'
  AND internet_service IN ('DSL', 'Fiber optic', 'No')
  AND contract IS NOT NULL
GROUP BY contract, risk_band
ORDER BY contract, risk_band`;

async function main(): Promise<void> {
  const parent = mkdtempSync(path.join(tmpdir(), "modelsql-bench-planning-"));
  try {
    const directory = path.join(parent, "workspace");
    await buildExampleWorkspace(directory, { owner: "admin" });
    const workspace = openWorkspace(directory);
    const session = await LocalSession.open(workspace, { principal: "analyst" });
    const lines = [`Planning overhead, ${runs} runs each, as the analyst (p50 / p99, milliseconds)`, ""];
    lines.push(
      "| query | modelsql: text to execution start | DuckDB prepare of the executed SQL | ratio (p50) |",
    );
    lines.push("|---|---|---|---|");
    const measured: {
      query: string;
      modelsql: { p50: number; p99: number };
      duckdbPrepare: { p50: number; p99: number };
    }[] = [];
    for (const [label, sql] of [
      ["seed query", SEED],
      [`${FIFTY_LINES.split("\n").length}-line query`, FIFTY_LINES],
    ] as const) {
      const [planned] = await session.plan(sql, { enforce: true });
      const executed = planned?.statement.executedText as string;
      const measure = (work: () => Promise<unknown>) => latencies(runs, work, 50);
      const modelsql = await measure(() => session.plan(sql, { enforce: true }));
      const duckdb = await measure(async () => (await session.connection.prepare(executed)).destroySync());
      const cell = (times: number[]) =>
        `${percentile(times, 0.5).toFixed(3)} / ${percentile(times, 0.99).toFixed(3)}`;
      measured.push({
        query: label,
        modelsql: { p50: percentile(modelsql, 0.5), p99: percentile(modelsql, 0.99) },
        duckdbPrepare: { p50: percentile(duckdb, 0.5), p99: percentile(duckdb, 0.99) },
      });
      lines.push(
        `| ${label} | ${cell(modelsql)} | ${cell(duckdb)} | ${(percentile(modelsql, 0.5) / percentile(duckdb, 0.5)).toFixed(1)}x |`,
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
    writeJsonResult({ runs, results: measured });
    session.close();
    workspace.close();
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

await main();
