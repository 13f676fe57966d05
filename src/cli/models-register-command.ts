import type { Command } from "commander";
import { checkVersion } from "../engines/duckdb/compiled-routes.js";
import { ModelSqlError } from "../errors.js";
import { outputFormat, withWorkspace } from "./cli-context.js";
import { compiledRouteSummary } from "./compiled-route-summary.js";
import { printJson } from "./output.js";

function collectTag(text: string, tags: Record<string, string>): Record<string, string> {
  const equals = text.indexOf("=");
  if (equals <= 0) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `--tag '${text}' is not of the form key=value.`);
  }
  return { ...tags, [text.slice(0, equals)]: text.slice(equals + 1) };
}

export function addModelsRegisterCommand(models: Command): void {
  models
    .command("register")
    .description("register a new immutable version from an ONNX file or an MLflow model directory")
    .argument("<name>", "three-level model name, e.g. main.ml.churn")
    .argument("<path>", "an .onnx file or an MLflow model directory (MLmodel with the onnx flavor)")
    .option("--description <text>", "what this version is")
    .option("--tag <key=value>", "a tag on the version (repeatable)", collectTag, {})
    .action(
      async (
        name: string,
        path: string,
        options: { description?: string; tag: Record<string, string> },
        command: Command,
      ) => {
        await withWorkspace(command, async (workspace) => {
          const version = await workspace.registry.registerVersion({
            name,
            path,
            tags: options.tag,
            principal: workspace.owner,
            ...(options.description === undefined ? {} : { description: options.description }),
          });
          // The version is registered whatever the check finds: it decides the route, not the version.
          const check = await checkVersion(workspace.compiledRoutes, version).catch(() => undefined);
          if (outputFormat(command) === "json") {
            printJson({ ...version, compiledRoute: check });
          } else {
            process.stdout.write(
              `Registered ${version.name} version ${version.version} (sha256 ${version.artifactHash.slice(0, 12)}, ${version.modelInterface.inputs.length} inputs).\n`,
            );
            process.stdout.write(
              `Compiled SQL route: ${compiledRouteSummary(check, `${version.name}/${version.version}`)}\n`,
            );
          }
        });
      },
    );
}
