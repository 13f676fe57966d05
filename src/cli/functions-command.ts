import type { Command } from "commander";
import { canonicalThreeLevelName } from "../catalog/three-level-name.js";
import type { StoredFunction } from "../functions/function-catalog.js";
import { createFunction } from "../functions/function-creation.js";
import { describeReturn } from "../functions/function-definition.js";
import { readFunctionDefinitionFile } from "../functions/function-definition-file.js";
import { chooseRoute } from "../functions/route-choice.js";
import type { ModelVersion } from "../registry/model-registry.js";
import { resolveModelUri } from "../registry/model-uri-resolution.js";
import { COMPILER_VERSION } from "../sql/compile/graph-compiler.js";
import { outputFormat, withWorkspace } from "./cli-context.js";
import { printFields, printJson, printTable } from "./output.js";
import { describeRun, lineageOf } from "./run-lineage.js";

function asJson(stored: StoredFunction, boundVersion?: number | string): Record<string, unknown> {
  return {
    ...stored.definition,
    created_by: stored.createdBy,
    created_at: stored.createdAt.toISOString(),
    last_updated_at: stored.lastUpdatedAt.toISOString(),
    ...(boundVersion !== undefined ? { bound_version: boundVersion } : {}),
  };
}

export function addFunctionsCommand(program: Command): void {
  const functions = program
    .command("functions")
    .description("Prediction functions: SQL functions bound to registered models");

  functions
    .command("create")
    .description("Create a function from a udfs/*.yaml definition")
    .argument("<file>", "the YAML definition")
    .option("--replace", "replace a function of the same name")
    .action(async (file: string, options: { replace?: boolean }, self: Command) => {
      const definition = readFunctionDefinitionFile(file);
      await withWorkspace(self, async (workspace) => {
        const stored = await createFunction(workspace, definition, {
          principal: workspace.owner,
          replace: options.replace === true,
        });
        process.stderr.write(
          `Created function ${stored.definition.name} (${describeReturn(stored.definition.returns)} from ${stored.definition.model}).\n`,
        );
      });
    });

  functions
    .command("list")
    .description("List the workspace's functions")
    .action(async (_options: unknown, self: Command) => {
      await withWorkspace(self, async (workspace) => {
        const stored = workspace.functions.list();
        if (outputFormat(self) === "json") {
          printJson(stored.map((entry) => asJson(entry)));
          return;
        }
        printTable(
          ["name", "model", "returns", "parameters", "on null"],
          stored.map(({ definition }) => [
            definition.name,
            definition.model,
            describeReturn(definition.returns),
            definition.parameters.length,
            definition.onNull,
          ]),
        );
      });
    });

  functions
    .command("describe")
    .description(
      "Show a function: its model, the version that model URI resolves to now, parameters and return",
    )
    .argument("<name>", "three-level function name")
    .action(async (name: string, _options: unknown, self: Command) => {
      await withWorkspace(self, async (workspace) => {
        const stored = workspace.functions.get(canonicalThreeLevelName(name, "function"));
        const { definition } = stored;
        let bound: string;
        let route = "-";
        let version: ModelVersion | undefined;
        try {
          version = await resolveModelUri(workspace.registry, definition.model);
          bound = version.artifactReference ? version.name : String(version.version);
          // The recorded check of the version it resolves to; sessions check a version not yet checked.
          const check = workspace.compiledRoutes.get(
            version.artifactHash,
            version.onnxFile,
            COMPILER_VERSION,
          );
          const choice = chooseRoute(definition.route ?? "auto", check);
          route = `${choice.route} (${choice.reason})`;
        } catch (error) {
          bound = `unresolved: ${error instanceof Error ? error.message : String(error)}`;
        }
        // The lineage the analyst sees: which run, experiment and metrics stand behind the function.
        const lineage = version ? await lineageOf(workspace, version) : undefined;
        if (outputFormat(self) === "json") {
          printJson({
            ...asJson(stored, /^\d+$/.test(bound) ? Number(bound) : bound),
            route,
            run: lineage ?? (version?.runId ? { runId: version.runId } : null),
          });
          return;
        }
        printFields([
          ["Function", definition.name],
          ["Description", definition.description],
          ["Model", definition.model],
          ["Version now", bound],
          ["Run", version ? describeRun(version, lineage) : null],
          ["Route", route],
          ["Returns", describeReturn(definition.returns)],
          ["On NULL", definition.onNull === "fail" ? "fail the statement" : "return NULL for the row"],
          ["Created", `${stored.createdAt.toISOString()} by ${stored.createdBy}`],
        ]);
        process.stdout.write(
          `\nParameters (${definition.parameters.length}), or one STRUCT argument with these fields:\n`,
        );
        printTable(
          ["name", "type", "model input"],
          definition.parameters.map((parameter) => [parameter.name, parameter.type, parameter.input]),
        );
      });
    });

  functions
    .command("drop")
    .description("Drop a function")
    .argument("<name>", "three-level function name")
    .action(async (name: string, _options: unknown, self: Command) => {
      await withWorkspace(self, async (workspace) => {
        const canonical = canonicalThreeLevelName(name, "function");
        workspace.functions.drop(canonical);
        process.stderr.write(`Dropped function ${canonical}.\n`);
      });
    });
}
