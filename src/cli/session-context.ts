import type { Command } from "commander";
import type { SessionDefaults } from "../catalog/workspace-settings.js";
import { LocalSession } from "../engines/duckdb/local-session.js";
import { ModelSqlError } from "../errors.js";
import type { Workspace } from "../workspace.js";
import { withWorkspace } from "./cli-context.js";

/** Options of commands that run SQL: where unqualified names resolve. */
export interface SessionOptions {
  schema?: string;
  path?: string;
  as?: string;
}

export function addSessionOptions(command: Command): Command {
  return command
    .option(
      "--schema <catalog.schema>",
      "the current schema for unqualified names (default: the workspace's, see README)",
    )
    .option("--path <schemas>", "comma-separated catalog.schema list searched after the current schema")
    .option("--as <principal>", "run as this user, with its privileges (default: the workspace owner)");
}

function sessionDefaults(options: SessionOptions): Partial<SessionDefaults> {
  const check = (text: string) => {
    if (!/^[^.\s]+\.[^.\s]+$/.test(text)) {
      throw new ModelSqlError("INVALID_PARAMETER_VALUE", `'${text}' is not a catalog.schema name`, {
        hint: "For example: --schema main.sales.",
      });
    }
    return text;
  };
  return {
    ...(options.schema ? { currentSchema: check(options.schema) } : {}),
    ...(options.path !== undefined
      ? {
          path: options.path
            .split(",")
            .filter((part) => part.trim() !== "")
            .map((part) => check(part.trim())),
        }
      : {}),
  };
}

/** Opens the workspace and a local DuckDB session over it; closes both whatever happens. */
export async function withLocalSession<T>(
  command: Command,
  options: SessionOptions,
  work: (session: LocalSession, workspace: Workspace) => Promise<T>,
): Promise<T> {
  return withWorkspace(command, async (workspace) => {
    const session = await LocalSession.open(workspace, {
      source: "cli",
      defaults: sessionDefaults(options),
      ...(options.as ? { principal: options.as } : {}),
    });
    try {
      return await work(session, workspace);
    } finally {
      session.close();
    }
  });
}
