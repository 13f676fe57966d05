import type { Command } from "commander";
import { scoreTable } from "../engines/duckdb/table-scoring.js";
import { ModelSqlError } from "../errors.js";
import { ProgressReporter } from "./progress-reporter.js";
import { addSessionOptions, type SessionOptions, withLocalSession } from "./session-context.js";

interface ScoreOptions extends SessionOptions {
  input: string;
  output: string;
  columns?: string;
  overwrite?: boolean;
}

/** Signals that stop a run cleanly: the statement is interrupted and no output is left. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export function addScoreCommand(program: Command): void {
  const command = program
    .command("score")
    .description("Score a whole table or file through a prediction function and write the predictions")
    .argument(
      "<function>",
      "the prediction function (main.ml.predict_churn, or predict_churn when unambiguous)",
    )
    .requiredOption("-i, --input <table|file>", "a table or view, or a .parquet or .csv file")
    .requiredOption("-o, --output <file|table>", "a .parquet or .csv file, or a new table")
    .option(
      "--columns <names>",
      "comma-separated input columns to keep beside the predictions (default: those that are not features)",
    )
    .option("--overwrite", "replace the output if it exists");
  addSessionOptions(command).action(async (functionName: string, options: ScoreOptions, self: Command) => {
    await withLocalSession(self, options, async (session, workspace) => {
      let progress: ProgressReporter | undefined;
      let cancelled = false;
      const onSignal = () => {
        cancelled = true;
        session.interrupt();
      };
      for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
      session.setScoringHooks({
        onChunkScored: (rows) => {
          if (cancelled) throw new ModelSqlError("OPERATION_CANCELLED", "Scoring was interrupted");
          progress?.advance(rows);
        },
      });
      try {
        const outcome = await scoreTable(session, workspace, {
          functionName,
          input: options.input,
          output: options.output,
          ...(options.columns ? { keep: options.columns.split(",").map((name) => name.trim()) } : {}),
          overwrite: options.overwrite === true,
          onStart: (rows: number, label: string) => {
            progress = new ProgressReporter(rows, label);
          },
        });
        if (cancelled) throw new ModelSqlError("OPERATION_CANCELLED", "Scoring was interrupted");
        progress?.finish();
        const peak = Math.round(process.resourceUsage().maxRSS / 1024);
        process.stderr.write(
          `Wrote ${outcome.rows.toLocaleString("en-US")} predictions of ${outcome.functionName} (model version ${outcome.modelVersion ?? "?"}) to ${outcome.output}; peak memory ${peak} MiB.\n`,
        );
      } catch (error) {
        if (cancelled) {
          process.stderr.write("\n");
          throw new ModelSqlError("OPERATION_CANCELLED", "Scoring was interrupted; no output was written", {
            cause: error,
          });
        }
        throw error;
      } finally {
        for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
        session.setScoringHooks({});
      }
    });
  });
}
