import { databricksConnectionSettings } from "../engines/databricks/databricks-connection-settings.js";
import { DatabricksEngine } from "../engines/databricks/databricks-engine.js";
import { ModelSqlError } from "../errors.js";
import type { ResultWriter } from "./result-writers.js";

export function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `--timeout '${text}' is not a positive number of seconds`,
    );
  }
  return seconds;
}

/**
 * Connects to the warehouse, runs statements in order and streams the last one's rows to the
 * writer. Ctrl-C (and SIGTERM) cancel the running statement on the warehouse before exiting.
 */
export async function runOnDatabricks(
  statements: readonly string[],
  options: { profile?: string; timeoutSeconds?: number; writer?: ResultWriter },
): Promise<void> {
  const settings = databricksConnectionSettings(options.profile ? { profile: options.profile } : {});
  const controller = new AbortController();
  const interrupt = () => controller.abort("interrupted");
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  const engine = await DatabricksEngine.connect(settings);
  try {
    for (const [index, sql] of statements.entries()) {
      const result = await engine.execute(sql, {
        signal: controller.signal,
        ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
      });
      const writer = index === statements.length - 1 ? options.writer : undefined;
      await writer?.begin(result.columns.map((column) => column.name));
      for await (const rows of result.batches) await writer?.rows(rows);
      await writer?.end();
    }
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
    await engine.close();
  }
}
