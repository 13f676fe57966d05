import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ModelSqlError } from "../errors.js";
import { MlmodelProblem, type ModelSignature, readMlmodelFile } from "./mlmodel-file.js";
import { readOnnxGraph } from "./onnx-graph.js";

/**
 * What a user points `models register` at: an ONNX file, or an MLflow model directory with an
 * onnx flavor. This reads what is there without loading the model.
 */
export interface ModelSource {
  readonly kind: "onnx-file" | "mlflow-directory";
  /** The absolute path given. */
  readonly location: string;
  /** The directory whose files make the artifact (for an ONNX file, its own directory). */
  readonly root: string;
  /** Files of the artifact, relative to root. */
  readonly files: readonly string[];
  /** The ONNX model, relative to root. */
  readonly onnxFile: string;
  readonly signature: ModelSignature | undefined;
  readonly runId: string | undefined;
}

function invalid(location: string, problem: string, hint: string): ModelSqlError {
  return new ModelSqlError("MODEL_INVALID", `'${location}' ${problem}.`, { hint });
}

function listFilesBelow(root: string, relative = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFilesBelow(root, child));
    else if (entry.isFile()) files.push(child);
  }
  return files.sort();
}

function inspectDirectory(location: string): ModelSource {
  const files = listFilesBelow(location);
  if (!files.includes("MLmodel")) {
    throw invalid(
      location,
      "is a directory without an MLmodel file, so it is not an MLflow model",
      "Point to an MLflow model directory (with MLmodel and the onnx flavor) or to a .onnx file.",
    );
  }
  let mlmodel: ReturnType<typeof readMlmodelFile>;
  try {
    mlmodel = readMlmodelFile(location);
  } catch (error) {
    if (!(error instanceof MlmodelProblem)) throw error;
    throw invalid(
      location,
      `has an MLmodel file that ${error.message}`,
      "Fix or regenerate the MLmodel file.",
    );
  }
  if (mlmodel.onnxData === undefined) {
    throw invalid(
      location,
      `is an MLflow model without an onnx flavor (its flavors: ${mlmodel.flavors.join(", ") || "none"})`,
      "Convert the model to ONNX (for scikit-learn, skl2onnx) and log it with mlflow.onnx.",
    );
  }
  const onnxFile = path.posix.normalize(mlmodel.onnxData);
  if (onnxFile.startsWith("..") || !files.includes(onnxFile)) {
    throw invalid(
      location,
      `names '${mlmodel.onnxData}' as its ONNX model, but the directory has no such file`,
      "Copy the whole MLflow model directory.",
    );
  }
  return {
    kind: "mlflow-directory",
    location,
    root: location,
    files,
    onnxFile,
    signature: mlmodel.signature,
    runId: mlmodel.runId,
  };
}

/**
 * The external-data files an ONNX file names, so they are copied with it. A file that does not
 * parse as ONNX names none; loading it later says what is wrong with it.
 */
function externalDataBeside(location: string, root: string): string[] {
  let names: readonly string[];
  try {
    names = readOnnxGraph(readFileSync(location)).externalDataFiles;
  } catch {
    return [];
  }
  return names.map((name) => {
    const relative = path.posix.normalize(name);
    if (relative.startsWith("..") || path.isAbsolute(relative) || !existsSync(path.join(root, relative))) {
      throw invalid(
        location,
        `keeps tensor data in '${name}', which is not a file beside it`,
        "Keep the external data files next to the model, as ONNX writes them.",
      );
    }
    return relative;
  });
}

/** Inspects a path given to `models register`; throws MODEL_INVALID when it cannot be a model. */
export function inspectModelSource(given: string): ModelSource {
  const location = path.resolve(given);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(location);
  } catch {
    throw invalid(location, "does not exist", "Check the path.");
  }
  if (stats.isDirectory()) return inspectDirectory(location);
  if (stats.size === 0) {
    throw invalid(location, "is empty", "Export the model again; an ONNX model is never an empty file.");
  }
  const root = path.dirname(location);
  return {
    kind: "onnx-file",
    location,
    root,
    files: [path.basename(location), ...externalDataBeside(location, root)],
    onnxFile: path.basename(location),
    signature: undefined,
    runId: undefined,
  };
}
