import type { Command } from "commander";
import { checkedCacheSeconds, DEFAULT_REGISTRY_CACHE_SECONDS, initWorkspace } from "../workspace.js";
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
    .option(
      "--registry-cache <seconds>",
      `how long answers from the MLflow server (where an alias points) are trusted; 0 asks on every statement (default ${DEFAULT_REGISTRY_CACHE_SECONDS})`,
    )
    .action((options: { owner?: string; registry?: string; registryCache?: string }, command: Command) => {
      const directory = workspaceDirectory(command);
      const cacheSeconds = options.registryCache === undefined ? undefined : Number(options.registryCache);
      if (cacheSeconds !== undefined) checkedCacheSeconds(cacheSeconds);
      const { created } = initWorkspace(directory, {
        ...(options.owner ? { owner: options.owner } : {}),
        ...(options.registry ? { registry: options.registry } : {}),
        ...(cacheSeconds !== undefined ? { registryCacheSeconds: cacheSeconds } : {}),
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
