/**
 * Rows per second of the compiled-SQL route against the ONNX UDF route, for both example churn
 * models, in one process on the same rows.
 *
 *   npm run bench:compiled                       # 1,000,000 rows, median of 3
 *   npm run bench:compiled -- --rows 100000 --repeats 1
 *
 * Rows: the 7043 Telco customers resampled with replacement (row i is customer hash(i) mod 7043,
 * as in udf-throughput.ts). Each variant is `SELECT sum(fn(<19 columns>)) FROM rows` through
 * `LocalSession`, as an analyst's query runs: the same function definition with `route: onnx`
 * and `route: sql`, positional and STRUCT call forms. DuckDB uses its default threads (the
 * machine's cores); ONNX Runtime's intra-op threads are the cores too (the session default).
 * Times include DuckDB planning each statement, which for the tree model's large expression is
 * a fixed cost of about half a second.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { LocalSession } from "../src/engines/duckdb/local-session.js";
import { buildExampleWorkspace, PACKAGE_ROOT } from "../src/example-workspace.js";
import { createFunction } from "../src/functions/function-creation.js";
import { readFunctionDefinitionFile } from "../src/functions/function-definition-file.js";
import { openWorkspace } from "../src/workspace.js";
import { medianSeconds, option, writeJsonResult } from "./bench-options.js";

const COLUMNS =
  "gender, senior_citizen, partner, dependents, tenure, phone_service, multiple_lines, internet_service, online_security, online_backup, device_protection, tech_support, streaming_tv, streaming_movies, contract, paperless_billing, payment_method, monthly_charges, total_charges";

const rows = option("rows", 1_000_000);
const repeats = option("repeats", 3);

const timed = (work: () => Promise<unknown> | unknown) => medianSeconds(repeats, work);

async function main(): Promise<void> {
  const parent = mkdtempSync(path.join(tmpdir(), "modelsql-bench-compiled-"));
  try {
    const directory = path.join(parent, "workspace");
    await buildExampleWorkspace(directory, { owner: "bench" });
    const workspace = openWorkspace(directory);
    const base = readFunctionDefinitionFile(path.join(PACKAGE_ROOT, "udfs/predict_churn.yaml"));
    for (const version of [1, 2]) {
      for (const route of ["onnx", "sql"] as const) {
        await createFunction(
          workspace,
          {
            ...base,
            name: `main.ml.churn_v${version}_${route}`,
            model: `models:/main.ml.churn/${version}`,
            route,
          },
          { principal: "bench", replace: true },
        );
      }
    }
    const session = await LocalSession.open(workspace);
    await session.queryRows(
      `CREATE OR REPLACE TABLE main.sales.bench_rows AS SELECT c.* FROM range(${rows}) r, (SELECT row_number() OVER () - 1 AS n, * FROM customers) c WHERE c.n = hash(r.range) % 7043 ORDER BY r.range`,
    );
    const routes = await session.explain(
      "SELECT churn_v1_onnx(features), churn_v1_sql(features), churn_v2_onnx(features), churn_v2_sql(features) FROM customer_features",
    );
    const chosen = (routes[0]?.modelVersions ?? []).map((version) => `${version.function}: ${version.route}`);
    process.stdout.write(
      `rows: ${rows}; cores: ${availableParallelism()}; repeats: ${repeats} (median)\nroutes: ${chosen.join(", ")}\n\n`,
    );
    const measured: {
      model: string;
      form: string;
      udfRowsPerSecond: number;
      compiledRowsPerSecond: number;
    }[] = [];
    const results: string[] = [
      "| model | call form | ONNX UDF rows/s | compiled SQL rows/s | compiled / UDF |",
      "|---|---|---|---|---|",
    ];
    for (const [version, label] of [
      [1, "logistic regression (v1)"],
      [2, "gradient-boosted trees (v2)"],
    ] as const) {
      for (const [form, args] of [
        ["positional", COLUMNS],
        ["STRUCT", `struct_pack(${COLUMNS})`],
      ] as const) {
        const rate: Record<string, number> = {};
        for (const route of ["onnx", "sql"]) {
          const sql = `SELECT sum(churn_v${version}_${route}(${args})) AS s FROM bench_rows`;
          // Untimed warm-up: loads the model and fills the UDF's string caches.
          await session.queryRows(
            sql.replace("FROM bench_rows", "FROM (SELECT * FROM bench_rows LIMIT 20000)"),
          );
          rate[route] = rows / (await timed(() => session.queryRows(sql)));
        }
        const onnx = rate.onnx as number;
        const compiled = rate.sql as number;
        measured.push({
          model: `churn_v${version}`,
          form,
          udfRowsPerSecond: onnx,
          compiledRowsPerSecond: compiled,
        });
        results.push(
          `| ${label} | ${form} | ${Math.round(onnx).toLocaleString("en-US")} | ${Math.round(compiled).toLocaleString("en-US")} | ${(compiled / onnx).toFixed(2)} |`,
        );
      }
    }
    process.stdout.write(`${results.join("\n")}\n`);
    writeJsonResult({ rows, repeats, routes: chosen, results: measured });
    session.close();
    workspace.close();
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
