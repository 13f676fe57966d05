import type { Command } from "commander";
import { outputFormat, parseVersionNumber, withWorkspace } from "./cli-context.js";
import { printJson } from "./output.js";

export function addModelsAliasCommand(models: Command): void {
  const alias = models.command("alias").description("point aliases such as @champion at versions");
  alias
    .command("set")
    .description("point an alias at a version (moving it if it is set)")
    .argument("<name>", "three-level model name")
    .argument("<alias>", "alias name: letters, digits, _ and -; not 'latest' nor v<digits>")
    .argument("<version>", "version number")
    .action(
      async (name: string, aliasName: string, versionText: string, _options: unknown, command: Command) => {
        const version = parseVersionNumber(versionText);
        await withWorkspace(command, async (workspace) => {
          await workspace.registry.setAlias(name, aliasName, version);
          if (outputFormat(command) === "json") printJson({ name, alias: aliasName, version });
          else process.stdout.write(`${name}@${aliasName} -> version ${version}\n`);
        });
      },
    );
  alias
    .command("delete")
    .description("remove an alias")
    .argument("<name>", "three-level model name")
    .argument("<alias>", "alias name")
    .action(async (name: string, aliasName: string, _options: unknown, command: Command) => {
      await withWorkspace(command, async (workspace) => {
        const deleted = await workspace.registry.deleteAlias(name, aliasName);
        if (outputFormat(command) === "json") printJson({ name, alias: aliasName, deleted });
        else
          process.stdout.write(
            deleted
              ? `Deleted ${name}@${aliasName}\n`
              : `${name} had no alias '${aliasName}'; nothing changed.\n`,
          );
      });
    });
}
