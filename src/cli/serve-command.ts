import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { ModelSqlError } from "../errors.js";
import { durationMilliseconds } from "../governance/api-token-store.js";
import { DEFAULT_SERVER_OPTIONS, startServer } from "../server/model-server.js";
import { withWorkspace, workspaceDirectory } from "./cli-context.js";

interface ServeOptions {
  host: string;
  port: string;
  invocationWorkers?: string;
  defaultEndpoint?: string;
  maxBodyBytes?: string;
  maxResultBytes?: string;
  statementTimeout?: string;
  invocationTimeout?: string;
  invocationSampleRows?: string;
}

function wholeNumber(text: string, option: string, minimum: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `${option} '${text}' is not a whole number of at least ${minimum}`,
    );
  }
  return value;
}

/** `30s`, `10m`, `1h`, `2d` as milliseconds. */
function duration(text: string, option: string): number {
  const seconds = /^(\d+)s$/.exec(text.trim());
  const value = seconds ? Number(seconds[1]) * 1000 : durationMilliseconds(text);
  if (value === undefined || value <= 0) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `${option} '${text}' is not a duration`, {
      hint: "Write seconds, minutes, hours or days: 30s, 10m, 1h.",
    });
  }
  return value;
}

export function addServeCommand(program: Command): void {
  program
    .command("serve")
    .description(
      "serve the workspace over HTTP: Databricks' Statement Execution API, Model Serving invocations, and a drift dashboard at /dashboard",
    )
    .option("--host <address>", "the address to listen on (loopback by default)", "127.0.0.1")
    .option("--port <n>", "the port (0 picks a free one)", "8080")
    .option(
      "--invocation-workers <n>",
      "worker threads scoring invocations beside the one running statements (default: cores - 1, at least 1)",
    )
    .option("--default-endpoint <function>", "the endpoint POST /invocations scores with")
    .option(
      "--max-body-bytes <n>",
      "largest request body (413 above it)",
      String(DEFAULT_SERVER_OPTIONS.maxBodyBytes),
    )
    .option(
      "--max-result-bytes <n>",
      "largest statement result kept inline",
      String(DEFAULT_SERVER_OPTIONS.maxResultBytes),
    )
    .option("--statement-timeout <duration>", "stop statements running longer (30s, 10m, 1h)", "30m")
    .option("--invocation-timeout <duration>", "stop invocations running longer", "60s")
    .option(
      "--invocation-sample-rows <n>",
      "rows of each invocation the inference log samples (statements: 100)",
      String(DEFAULT_SERVER_OPTIONS.invocationSampleRows),
    )
    .action(async (options: ServeOptions, self: Command) => {
      const settings = {
        host: options.host,
        port: wholeNumber(options.port, "--port", 0),
        invocationWorkers: options.invocationWorkers
          ? wholeNumber(options.invocationWorkers, "--invocation-workers", 1)
          : Math.max(1, availableParallelism() - 1),
        maxBodyBytes: wholeNumber(options.maxBodyBytes ?? "", "--max-body-bytes", 1024),
        maxResultBytes: wholeNumber(options.maxResultBytes ?? "", "--max-result-bytes", 1024),
        statementTimeoutMs: duration(options.statementTimeout ?? "30m", "--statement-timeout"),
        invocationTimeoutMs: duration(options.invocationTimeout ?? "60s", "--invocation-timeout"),
        invocationSampleRows: wholeNumber(options.invocationSampleRows ?? "", "--invocation-sample-rows", 0),
        ...(options.defaultEndpoint ? { defaultEndpoint: options.defaultEndpoint } : {}),
      };
      await withWorkspace(self, async (workspace) => {
        const server = await startServer(workspace, settings);
        process.stdout.write(
          `modelsql serving ${workspaceDirectory(self)} at ${server.url}\n  dashboard: ${server.url}/dashboard\n  API description: ${server.url}/api/openapi.json\n`,
        );
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        process.stderr.write("Stopping: running statements are cancelled.\n");
        await server.close();
      });
    });
}
