import type { Command } from "commander";
import { outputFormat, withWorkspace } from "./cli-context.js";
import { printJson, printTable } from "./output.js";

export function addModelsListCommand(models: Command): void {
  models
    .command("list")
    .description("list the registered models")
    .action(async (_options: unknown, command: Command) => {
      await withWorkspace(command, async (workspace) => {
        const registered = await workspace.registry.listModels();
        if (outputFormat(command) === "json") {
          printJson(registered);
          return;
        }
        printTable(
          ["name", "versions", "latest", "aliases", "updated"],
          registered.map((model) => [
            model.name,
            model.versionCount,
            model.latestVersion,
            Object.entries(model.aliases)
              .map(([alias, version]) => `${alias}=${version}`)
              .join(", "),
            model.lastUpdatedAt.toISOString(),
          ]),
        );
      });
    });
}
