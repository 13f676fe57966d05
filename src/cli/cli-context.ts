import type { Command } from "commander";
import { resolveWorkspaceDirectory } from "../catalog/workspace-location.js";
import { ModelSqlError } from "../errors.js";
import { openWorkspace, type Workspace } from "../workspace.js";
import { type OutputFormat, outputFormatSchema } from "./output.js";

/** The options every command may take, wherever they stand on the command line. */
export interface GlobalOptions {
  readonly workspace?: string;
  readonly format?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function workspaceDirectory(command: Command): string {
  return resolveWorkspaceDirectory(globalOptions(command).workspace);
}

export function outputFormat(command: Command): OutputFormat {
  const given = globalOptions(command).format ?? "table";
  const parsed = outputFormatSchema.safeParse(given);
  if (!parsed.success) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `--format '${given}' is not one of: table, json.`);
  }
  return parsed.data;
}

/** Opens the command's workspace, runs `work`, and closes it whatever happens. */
export async function withWorkspace<T>(
  command: Command,
  work: (workspace: Workspace) => Promise<T>,
): Promise<T> {
  const workspace = openWorkspace(workspaceDirectory(command));
  try {
    return await work(workspace);
  } finally {
    workspace.close();
  }
}

export function parseVersionNumber(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `Model version must be a positive integer, got '${text}'.`,
    );
  }
  return Number(text);
}
