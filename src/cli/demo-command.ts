import type { Command } from "commander";
import { buildExampleWorkspace } from "../example-workspace.js";
import { workspaceDirectory } from "./cli-context.js";

export function addDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "Build the example workspace: churn models v1 and v2 (aliases champion -> 2, challenger -> 1), the functions in udfs/, the tables in sql/example/",
    )
    .option("--owner <name>", "the principal that owns a new workspace")
    .action(async (options: { owner?: string }, self: Command) => {
      const done = await buildExampleWorkspace(
        workspaceDirectory(self),
        options.owner ? { owner: options.owner } : {},
      );
      for (const line of done) process.stderr.write(`${line}\n`);
      process.stderr.write(
        `The example workspace is ready. Try:\n  modelsql query "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features LIMIT 5"\n`,
      );
    });
}
