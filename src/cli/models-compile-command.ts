import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { checkVersion } from "../engines/duckdb/compiled-routes.js";
import { ModelSqlError } from "../errors.js";
import { resolveModelUri } from "../registry/model-uri-resolution.js";
import { compileGraph } from "../sql/compile/graph-compiler.js";
import { readMlGraph } from "../sql/compile/onnx-ml-nodes.js";
import { DATABRICKS } from "../sql/dialects/databricks-dialect.js";
import type { Dialect } from "../sql/dialects/dialect.js";
import { DUCKDB } from "../sql/dialects/duckdb-dialect.js";
import { outputFormat, withWorkspace } from "./cli-context.js";
import { compiledRouteSummary } from "./compiled-route-summary.js";
import { modelUriOf } from "./model-target.js";
import { printJson } from "./output.js";

const DIALECTS: Readonly<Record<string, readonly Dialect[]>> = {
  duckdb: [DUCKDB],
  databricks: [DATABRICKS],
  both: [DUCKDB, DATABRICKS],
};

/** Each graph output as SQL over columns named like the model's inputs, per dialect. */
function compiledOutputs(file: string, dialects: readonly Dialect[]) {
  const graph = readMlGraph(readFileSync(file));
  return dialects.map((dialect) => {
    const compiled = compileGraph(graph, (name) => dialect.quoteIdentifier(name), dialect);
    return {
      dialect: dialect.name,
      outputs: [...compiled.outputs].map(([name, columns]) => ({ name, columns })),
    };
  });
}

export function addModelsCompileCommand(models: Command): void {
  models
    .command("compile")
    .description(
      "compile a model version to SQL, check it against ONNX Runtime on a generated sample, and print both",
    )
    .argument("<version>", "name/<version|stage|latest>, name@<alias>, or a models:/ URI")
    .option("--dialect <dialect>", "duckdb, databricks or both", "both")
    .option("--no-sql", "print only the parity check, not the SQL")
    .action(async (target: string, options: { dialect: string; sql: boolean }, command: Command) => {
      const dialects = DIALECTS[options.dialect];
      if (!dialects) {
        throw new ModelSqlError(
          "INVALID_PARAMETER_VALUE",
          `--dialect ${options.dialect} is not duckdb, databricks or both.`,
        );
      }
      const uri = modelUriOf(target);
      if (!uri) {
        throw new ModelSqlError("INVALID_PARAMETER_VALUE", `'${target}' names a model, not one version.`, {
          hint: `Name a version: ${target}/1, ${target}@champion or ${target}/Production.`,
        });
      }
      await withWorkspace(command, async (workspace) => {
        const version = await resolveModelUri(workspace.registry, uri);
        const check = await checkVersion(workspace.compiledRoutes, version, { recheck: true });
        const label = `${version.name}/${version.version}`;
        const sql =
          options.sql && check.outcome !== "unsupported"
            ? compiledOutputs(path.join(version.artifactDirectory, version.onnxFile), dialects)
            : [];
        if (outputFormat(command) === "json") {
          printJson({ model: version.name, version: version.version, check, sql });
          return;
        }
        process.stdout.write(`${label}: ${compiledRouteSummary(check, label)}\n`);
        for (const { dialect, outputs } of sql) {
          for (const output of outputs) {
            output.columns.forEach((column, index) => {
              const which = output.columns.length > 1 ? `${output.name}[${index}]` : output.name;
              process.stdout.write(
                `\n-- ${dialect}: output ${which}, over columns named as the model's inputs\n${column}\n`,
              );
            });
          }
        }
      });
    });
}
