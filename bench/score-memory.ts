/**
 * Peak memory of `modelsql score` as the input grows: the same command on 1,000,000 and
 * 5,000,000 rows (the Telco customers resampled with replacement, row i = customer
 * hash(i) mod 7043), each in its own process, peak resident memory as the command reports it
 * (getrusage maxrss). Bounded memory means the 5M run peaks within 20 % of the 1M run.
 *
 *   npm run bench:score-memory [-- --small 1000000 --large 5000000]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LocalSession } from "../src/engines/duckdb/local-session.js";
import { buildExampleWorkspace, PACKAGE_ROOT } from "../src/example-workspace.js";
import { openWorkspace } from "../src/workspace.js";
import { option, writeJsonResult } from "./bench-options.js";

function run(args: string[]): Promise<{ code: number | null; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "bin/modelsql.js"), ...args]);
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

async function main(): Promise<void> {
  const sizes = [option("small", 1_000_000), option("large", 5_000_000)];
  const parent = mkdtempSync(path.join(tmpdir(), "modelsql-bench-"));
  const directory = path.join(parent, "workspace");
  await buildExampleWorkspace(directory, { owner: "bench" });
  const workspace = openWorkspace(directory);
  const session = await LocalSession.open(workspace);
  for (const rows of sizes) {
    const file = path.join(parent, `input-${rows}.parquet`);
    await session.connection.run(
      `COPY (SELECT c.* EXCLUDE (n, churned) FROM range(${rows}) r, (SELECT row_number() OVER () - 1 AS n, * FROM main_db.sales.customers) c WHERE c.n = hash(r.range) % 7043 ORDER BY r.range) TO '${file}' (FORMAT parquet)`,
    );
  }
  session.close();
  workspace.close();
  const results: { rows: number; peakMiB: number; seconds: number; outputMiB: number }[] = [];
  for (const rows of sizes) {
    const output = path.join(parent, `scores-${rows}.parquet`);
    const result = await run([
      "--workspace",
      directory,
      "score",
      "main.ml.predict_churn",
      "--input",
      path.join(parent, `input-${rows}.parquet`),
      "--output",
      output,
    ]);
    if (result.code !== 0) throw new Error(`score failed: ${result.stderr}`);
    const peak = /peak memory (\d+) MiB/.exec(result.stderr);
    results.push({
      rows,
      peakMiB: Number(peak?.[1]),
      seconds: result.seconds,
      outputMiB: statSync(output).size / 2 ** 20,
    });
  }
  process.stdout.write("rows       peak RSS (MiB)  wall time (s)  rows/s    output (MiB)\n");
  for (const result of results) {
    process.stdout.write(
      `${result.rows.toLocaleString("en-US").padEnd(10)} ${String(result.peakMiB).padEnd(15)} ${result.seconds.toFixed(1).padEnd(14)} ${Math.round(
        result.rows / result.seconds,
      )
        .toLocaleString("en-US")
        .padEnd(9)} ${result.outputMiB.toFixed(1)}\n`,
    );
  }
  writeJsonResult({ results });
  const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
  process.stdout.write(
    `\npeak memory ratio ${large.rows.toLocaleString("en-US")} / ${small.rows.toLocaleString("en-US")} rows: ${(large.peakMiB / small.peakMiB).toFixed(3)} (bounded: at most 1.2)\n`,
  );
  rmSync(parent, { recursive: true, force: true });
}

await main();
