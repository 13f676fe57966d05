import type { Command } from "commander";
import { computeBaseline } from "../engines/duckdb/baseline-computation.js";
import { buildMonitorReport, type MonitorReport } from "../engines/duckdb/monitor-report.js";
import { ModelSqlError } from "../errors.js";
import { findFunction } from "../functions/function-lookup.js";
import { durationMilliseconds } from "../governance/api-token-store.js";
import { outputFormat } from "./cli-context.js";
import { printJson, printTable } from "./output.js";
import { addSessionOptions, type SessionOptions, withLocalSession } from "./session-context.js";

interface MonitorOptions extends SessionOptions {
  since?: string;
  bucket?: string;
  baselineQuery?: string;
}

function bar(share: number, width = 30): string {
  return "#".repeat(Math.round(share * width));
}

function printReport(report: MonitorReport): void {
  process.stdout.write(
    `Scored rows of ${report.functionName}${report.since ? ` since ${report.since.toISOString()}` : ""}:\n`,
  );
  printTable(
    ["from", "version", "statements", "rows", "p50 latency ms"],
    report.scoring.map((bucket) => [
      bucket.start.toISOString(),
      bucket.modelVersion ?? "-",
      bucket.statements,
      bucket.rows,
      bucket.p50LatencyMs.toFixed(1),
    ]),
  );
  process.stdout.write(`\nPredictions (${report.sampledRows} sampled rows, weighted by rows scored):\n`);
  printTable(
    ["prediction", "share", ""],
    report.predictions.map((bin) => [bin.label, `${(bin.share * 100).toFixed(1)}%`, bar(bin.share)]),
  );
  if (!report.drift) {
    process.stdout.write(
      `\nNo drift baseline: set one with modelsql monitor ${report.functionName} --baseline-query "SELECT ... FROM <training data>".\n`,
    );
    return;
  }
  const { baseline, features } = report.drift;
  process.stdout.write(
    `\nDrift against the baseline of ${baseline.rowCount} rows (${baseline.createdAt.toISOString()}), population stability index:\n`,
  );
  printTable(
    ["feature", "psi", "drift"],
    [...features]
      .sort((a, b) => (b.psi ?? 0) - (a.psi ?? 0))
      .map((feature) => [
        feature.feature,
        feature.psi === null ? "-" : feature.psi.toFixed(4),
        feature.level,
      ]),
  );
}

export function addMonitorCommand(program: Command): void {
  const command = program
    .command("monitor")
    .description(
      "what a prediction function scored: rows over time per model version, the distribution of its predictions, and each feature's drift from its baseline",
    )
    .argument(
      "<function>",
      "the prediction function (main.ml.predict_churn, or predict_churn when unambiguous)",
    )
    .option("--since <duration>", "only the last 30m, 24h, 7d, ...")
    .option("--bucket <hour|day>", "time buckets of the scoring history", "day")
    .option(
      "--baseline-query <sql>",
      "first set the function's drift baseline from this query over its training data (a column per parameter)",
    );
  addSessionOptions(command).action(async (name: string, options: MonitorOptions, self: Command) => {
    const bucket = options.bucket ?? "day";
    if (bucket !== "hour" && bucket !== "day") {
      throw new ModelSqlError("INVALID_PARAMETER_VALUE", `--bucket '${bucket}' is not hour or day`);
    }
    let since: Date | undefined;
    if (options.since !== undefined) {
      const span = durationMilliseconds(options.since);
      if (span === undefined) {
        throw new ModelSqlError("INVALID_PARAMETER_VALUE", `--since '${options.since}' is not a duration`, {
          hint: "Give minutes, hours or days: 30m, 24h, 7d.",
        });
      }
      since = new Date(Date.now() - span);
    }
    await withLocalSession(self, options, async (session, workspace) => {
      const definition = findFunction(workspace, name);
      if (options.baselineQuery !== undefined) {
        // A baseline decides what counts as drift: whoever may manage the function may set it.
        if (!workspace.authorizer.mayManage(session.principal, { type: "FUNCTION", name: definition.name })) {
          throw new ModelSqlError(
            "INSUFFICIENT_PERMISSIONS",
            `User '${session.principal}' may not set the drift baseline of ${definition.name}: that takes ownership or MANAGE on it`,
            { hint: `Ask an owner of ${definition.name} to set it, or to grant MANAGE.` },
          );
        }
        const baseline = await computeBaseline(session, definition, options.baselineQuery);
        workspace.driftBaselines.save(baseline);
        process.stderr.write(
          `Set the drift baseline of ${definition.name} from ${baseline.rowCount} rows.\n`,
        );
      }
      const baseline = workspace.driftBaselines.find(definition.name);
      const report = await buildMonitorReport(session, definition.name, {
        bucket,
        returns: definition.returns.kind,
        ...(since ? { since } : {}),
        ...(baseline ? { baseline } : {}),
      });
      if (outputFormat(self) === "json") printJson(report);
      else printReport(report);
    });
  });
}
