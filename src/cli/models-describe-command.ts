import type { Command } from "commander";
import type { SignatureSpec } from "../models/mlmodel-file.js";
import { describeShape } from "../models/model-interface.js";
import type { CompiledRouteCheck } from "../registry/compiled-route-store.js";
import {
  type ModelVersion,
  modelVersionLabel,
  type RegisteredModel,
  type RunLineage,
} from "../registry/model-registry.js";
import { resolveModelUri } from "../registry/model-uri-resolution.js";
import { COMPILER_VERSION } from "../sql/compile/graph-compiler.js";
import type { Workspace } from "../workspace.js";
import { outputFormat, withWorkspace } from "./cli-context.js";
import { compiledRouteSummary } from "./compiled-route-summary.js";
import { modelUriOf } from "./model-target.js";
import { printFields, printJson, printTable } from "./output.js";
import { describeRun, lineageOf } from "./run-lineage.js";

function signatureType(spec: SignatureSpec | undefined): string {
  if (!spec) return "";
  const tensor = (spec as { "tensor-spec"?: { dtype: string } })["tensor-spec"];
  if (tensor) return `tensor ${tensor.dtype}`;
  return spec.type;
}

function printVersion(
  version: ModelVersion,
  check: CompiledRouteCheck | undefined,
  lineage?: RunLineage,
): void {
  printFields([
    ["Model version", modelVersionLabel(version)],
    ["Description", version.description],
    ["Stage", version.stage],
    ["Aliases", version.aliases.join(", ")],
    ["Registered", `${version.createdAt.toISOString()} by ${version.createdBy}`],
    ["Source", version.source],
    ["Run", describeRun(version, lineage)],
    ["Artifact", `sha256:${version.artifactHash} (${version.onnxFile})`],
    [
      "Tags",
      Object.entries(version.tags)
        .map(([key, value]) => `${key}=${value}`)
        .join(", "),
    ],
    ["Signature", version.signature ? `from ${version.signature.source}` : "none"],
    ["Compiled SQL", compiledRouteSummary(check, modelVersionLabel(version))],
  ]);
  const specs = new Map((version.signature?.inputs ?? []).map((spec) => [spec.name, spec]));
  process.stdout.write(`\nInputs (${version.modelInterface.inputs.length}):\n`);
  printTable(
    ["name", "onnx type", "shape", "signature type", "required"],
    version.modelInterface.inputs.map((input) => {
      const spec = specs.get(input.name);
      const required = spec && "required" in spec && spec.required === false ? "no" : "yes";
      return [input.name, input.elementType, describeShape(input.shape), signatureType(spec), required];
    }),
  );
  process.stdout.write(`\nOutputs (${version.modelInterface.outputs.length}):\n`);
  const labels = version.modelInterface.classLabels;
  printTable(
    ["name", "onnx type", "shape", "note"],
    version.modelInterface.outputs.map((output) => [
      output.name,
      output.elementType,
      describeShape(output.shape),
      [
        output.rewrittenFromZipMap ? "ZipMap in the model; returned as a probability tensor" : "",
        labels && output.shape.length === 2 && output.shape[1] === labels.length
          ? `classes: ${labels.join(", ")}`
          : "",
      ]
        .filter(Boolean)
        .join("; "),
    ]),
  );
}

function printModel(model: RegisteredModel, versions: readonly ModelVersion[]): void {
  printFields([
    ["Model", model.name],
    ["Description", model.description],
    ["Created", `${model.createdAt.toISOString()} by ${model.createdBy}`],
    [
      "Aliases",
      Object.entries(model.aliases)
        .map(([alias, version]) => `${alias} -> ${version}`)
        .join(", "),
    ],
  ]);
  process.stdout.write("\n");
  printTable(
    ["version", "stage", "aliases", "registered", "by", "sha256", "description"],
    versions.map((version) => [
      version.version,
      version.stage,
      version.aliases.join(", "),
      version.createdAt.toISOString(),
      version.createdBy,
      version.artifactHash.slice(0, 12),
      version.description,
    ]),
  );
}

/** `name` alone describes the model; `name/3`, `name@alias`, `name/Production`, `name/latest` or a models:/ URI, one version. */
async function describe(workspace: Workspace, target: string, json: boolean): Promise<void> {
  const uri = modelUriOf(target);
  if (uri) {
    const version = await resolveModelUri(workspace.registry, uri);
    const check = workspace.compiledRoutes.get(version.artifactHash, version.onnxFile, COMPILER_VERSION);
    const lineage = await lineageOf(workspace, version);
    if (json) printJson({ ...version, compiledRoute: check ?? null, run: lineage ?? null });
    else printVersion(version, check, lineage);
    return;
  }
  const model = await workspace.registry.getModel(target);
  const versions = await workspace.registry.listVersions(target);
  if (json) printJson({ ...model, versions });
  else printModel(model, versions);
}

export function addModelsDescribeCommand(models: Command): void {
  models
    .command("describe")
    .description(
      "show a model and its versions, or one version: inputs, outputs, signature, aliases, stage, hash, tags",
    )
    .argument("<model>", "name, name/<version|stage|latest>, name@<alias>, or a models:/ URI")
    .action(async (target: string, _options: unknown, command: Command) => {
      await withWorkspace(command, (workspace) =>
        describe(workspace, target, outputFormat(command) === "json"),
      );
    });
}
