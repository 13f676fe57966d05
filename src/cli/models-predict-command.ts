import { once } from "node:events";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import path from "node:path";
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { parse } from "csv-parse";
import { stringify } from "csv-stringify/sync";
import { describeCause, ModelSqlError } from "../errors.js";
import { predictionColumns, scoreTextBatch } from "../models/batch-scoring.js";
import { OnnxModel } from "../models/onnx-model.js";
import type { ModelVersion } from "../registry/model-registry.js";
import { resolveModelUri } from "../registry/model-uri-resolution.js";
import { outputFormat, withWorkspace } from "./cli-context.js";
import { modelUriOf } from "./model-target.js";

/** Rows per ONNX Runtime run: DuckDB's chunk size, which the SQL path uses too. */
const BATCH_ROWS = 2048;

interface PredictOptions {
  input: string;
  output?: string;
  keep?: string;
  limit?: string;
}

function checkColumns(
  header: readonly string[],
  needed: readonly string[],
  source: string,
  kind: string,
): void {
  const missing = needed.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new ModelSqlError(
      "DATATYPE_MISMATCH",
      `${source} has no column ${missing.map((name) => `'${name}'`).join(", ")}, which ${kind} (its columns: ${header.join(", ")}).`,
    );
  }
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, "drain");
}

/**
 * Streams a CSV file through a model version in batches, so memory stays bounded whatever the
 * row count, and writes the kept columns, the predictions and the version that made them.
 */
async function predict(
  version: ModelVersion,
  options: PredictOptions,
  sink: Writable,
  json: boolean,
): Promise<number> {
  const model = OnnxModel.load(path.join(version.artifactDirectory, version.onnxFile));
  const columns = predictionColumns(model);
  const kept = options.keep ? options.keep.split(",").map((name) => name.trim()) : [];
  const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : Number(options.limit);
  const source = path.basename(options.input);
  const versionLabel = `${version.name}/${version.version}`;
  const header = [...kept, ...columns.map((column) => column.name), "model_version"];
  let written = 0;
  let batch: Record<string, string>[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const predictions = scoreTextBatch(model, version, batch, {
      firstRowNumber: written + 2,
      source,
      columns,
    });
    const lines = batch.map((row, index) => [
      ...kept.map((name) => row[name] ?? ""),
      ...(predictions[index] ?? []),
      versionLabel,
    ]);
    if (json) {
      const objects = lines.map((line) =>
        JSON.stringify(Object.fromEntries(header.map((name, column) => [name, line[column]]))),
      );
      await write(sink, `${written === 0 ? "[\n" : ",\n"}${objects.join(",\n")}`);
    } else {
      await write(sink, stringify(lines));
    }
    written += batch.length;
    batch = [];
  };

  try {
    if (!json) await write(sink, stringify([header]));
    const parser = parse({ columns: true, skip_empty_lines: true });
    const reader = createReadStream(options.input);
    // pipe() does not forward read errors; hand them to the parser so the loop below throws.
    reader.on("error", (error) => parser.destroy(error));
    reader.pipe(parser);
    let checked = false;
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      if (!checked) {
        const names = Object.keys(record);
        checkColumns(
          names,
          model.modelInterface.inputs.map((input) => input.name),
          source,
          "the model needs",
        );
        checkColumns(names, kept, source, "--keep names");
        checked = true;
      }
      if (written + batch.length >= limit) break;
      batch.push(record);
      if (batch.length === BATCH_ROWS) await flush();
    }
    await flush();
    if (json) await write(sink, written === 0 ? "[]\n" : "\n]\n");
    return written;
  } finally {
    model.dispose();
  }
}

/** Errors of reading the input (csv-parse's, the file system's) as the user's to fix, not bugs. */
function asInputError(error: unknown, input: string): unknown {
  if (error instanceof ModelSqlError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("CSV_")) {
    return new ModelSqlError(
      "DATATYPE_MISMATCH",
      `'${input}' is not a CSV file modelsql can read: ${describeCause(error)}`,
      {
        hint: "Give a CSV file with a header row naming the model's inputs.",
        cause: error,
      },
    );
  }
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
    return new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `Cannot read or write a file: ${describeCause(error)}`,
      { cause: error },
    );
  }
  return error;
}

export function addModelsPredictCommand(models: Command): void {
  models
    .command("predict")
    .description(
      "score the rows of a CSV file with a model version (CSV out, or a JSON array with --format json)",
    )
    .argument("<model>", "name/<version|stage|latest>, name@<alias>, or a models:/ URI")
    .requiredOption("-i, --input <file.csv>", "CSV with a header row naming the model's inputs")
    .option("-o, --output <file>", "write here instead of standard output (written whole or not at all)")
    .option(
      "--keep <columns>",
      "input columns to copy beside the predictions, comma-separated (e.g. customerID)",
    )
    .option("--limit <rows>", "score only the first rows")
    .action(async (target: string, options: PredictOptions, command: Command) => {
      const uri = modelUriOf(target);
      if (!uri) {
        throw new ModelSqlError(
          "INVALID_PARAMETER_VALUE",
          `'${target}' names a model but not which version.`,
          {
            hint: `Say ${target}/<version>, ${target}@<alias> or ${target}/latest.`,
          },
        );
      }
      if (!existsSync(options.input) || !statSync(options.input).isFile()) {
        throw new ModelSqlError("INVALID_PARAMETER_VALUE", `The input '${options.input}' is not a file.`, {
          hint: "Give the path of a CSV file.",
        });
      }
      if (options.limit !== undefined && !/^\d+$/.test(options.limit)) {
        throw new ModelSqlError(
          "INVALID_PARAMETER_VALUE",
          `--limit must be a whole number, got '${options.limit}'.`,
        );
      }
      const json = outputFormat(command) === "json";
      await withWorkspace(command, async (workspace) => {
        const version = await resolveModelUri(workspace.registry, uri);
        if (!options.output) {
          try {
            await predict(version, options, process.stdout, json);
          } catch (error) {
            throw asInputError(error, options.input);
          }
          return;
        }
        // Written beside the target and renamed at the end, so a failed run leaves no partial file.
        const partial = `${options.output}.${process.pid}.partial`;
        let descriptor: number;
        try {
          descriptor = openSync(partial, "w");
        } catch (error) {
          throw new ModelSqlError(
            "INVALID_PARAMETER_VALUE",
            `Cannot write '${options.output}': ${describeCause(error)}`,
          );
        }
        const file = createWriteStream("", { fd: descriptor });
        let writeError: unknown;
        file.on("error", (error) => {
          writeError = error;
        });
        try {
          const rows = await predict(version, options, file, json);
          file.end();
          if (!writeError) await once(file, "finish");
          if (writeError) throw writeError;
          renameSync(partial, options.output);
          process.stderr.write(
            `Scored ${rows} rows with ${version.name} version ${version.version} into ${options.output}\n`,
          );
        } catch (error) {
          file.destroy();
          rmSync(partial, { force: true });
          throw asInputError(error, options.input);
        }
      });
    });
}
