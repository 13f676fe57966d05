import type { Command } from "commander";
import { canonicalStage } from "../registry/model-stages.js";
import { outputFormat, parseVersionNumber, withWorkspace } from "./cli-context.js";
import { printJson } from "./output.js";

export function addModelsStageCommand(models: Command): void {
  models
    .command("stage")
    .description("move a version to a legacy stage (Staging, Production, Archived, None)")
    .argument("<name>", "three-level model name")
    .argument("<version>", "version number")
    .argument("<stage>", "Staging, Production, Archived or None (any case)")
    .option("--archive-existing", "archive the versions now in that stage (Staging and Production only)")
    .action(
      async (
        name: string,
        versionText: string,
        stageText: string,
        options: { archiveExisting?: boolean },
        command: Command,
      ) => {
        const version = parseVersionNumber(versionText);
        const stage = canonicalStage(stageText);
        await withWorkspace(command, async (workspace) => {
          const moved = await workspace.registry.transitionStage(
            name,
            version,
            stage,
            options.archiveExisting === true,
          );
          if (outputFormat(command) === "json") printJson(moved);
          else
            process.stdout.write(`${moved.name} version ${moved.version} is now in stage ${moved.stage}\n`);
        });
      },
    );
}
