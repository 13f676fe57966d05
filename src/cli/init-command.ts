import type { Command } from "commander";
import { initWorkspace } from "../workspace.js";
import { outputFormat, workspaceDirectory } from "./cli-context.js";
import { printJson } from "./output.js";

export function addInitCommand(program: Command): void {
  program
    .command("init")
    .description(
      "create a workspace (default ./.modelsql, or MODELSQL_WORKSPACE); an existing one is kept as it is",
    )
    .option("--owner <principal>", "the principal that owns the new workspace (default: your user name)")
    .option(
      "--registry <url>",
      "read models from this MLflow tracking server instead of the workspace's own registry",
    )
    .action((options: { owner?: string; registry?: string }, command: Command) => {
      const directory = workspaceDirectory(command);
      const { created } = initWorkspace(directory, {
        ...(options.owner ? { owner: options.owner } : {}),
        ...(options.registry ? { registry: options.registry } : {}),
      });
      if (outputFormat(command) === "json") {
        printJson({ workspace: directory, created });
      } else {
        process.stdout.write(
          created
            ? `Created workspace ${directory}\n`
            : `Workspace ${directory} already exists; nothing changed.\n`,
        );
      }
    });
}
