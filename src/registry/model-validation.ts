import { describeCause, ModelSqlError } from "../errors.js";
import type { ModelSignature, SignatureSpec } from "../models/mlmodel-file.js";
import type { ModelInterface, TensorDescription } from "../models/model-interface.js";
import type { ModelSource } from "../models/model-source.js";
import { OnnxModel } from "../models/onnx-model.js";
import type { ModelVersion } from "./model-registry.js";

/** MLflow names tensor dtypes as numpy does. */
const NUMPY_DTYPES: Readonly<Record<string, string>> = { string: "str", float16: "float16" };

function tensorSpecOf(description: TensorDescription): SignatureSpec {
  return {
    type: "tensor",
    name: description.name,
    "tensor-spec": {
      dtype: NUMPY_DTYPES[description.elementType] ?? description.elementType,
      shape: description.shape.map((dimension) => (typeof dimension === "number" ? dimension : -1)),
    },
  };
}

/** A signature read off the ONNX graph, for models registered without an MLmodel file. */
function signatureFromGraph(modelInterface: ModelInterface): ModelSignature {
  return {
    inputs: modelInterface.inputs.map(tensorSpecOf),
    outputs: modelInterface.outputs.filter((output) => output.elementType !== "non-tensor").map(tensorSpecOf),
  };
}

/**
 * A multi-input model is fed by name, so a signature that names columns the graph does not have
 * would bind SQL arguments to nothing; refuse it now rather than at the first query.
 */
function checkSignatureNames(
  source: ModelSource,
  signature: ModelSignature,
  modelInterface: ModelInterface,
): void {
  if (modelInterface.inputs.length < 2) return;
  const graphInputs = new Set(modelInterface.inputs.map((input) => input.name));
  const unknown = signature.inputs.map((spec) => spec.name).filter((name) => name && !graphInputs.has(name));
  if (unknown.length > 0) {
    throw new ModelSqlError(
      "MODEL_INVALID",
      `'${source.location}' has a signature naming inputs the ONNX graph does not have: ${unknown.join(", ")} (the graph's inputs: ${[...graphInputs].join(", ")}).`,
      { hint: "Log the model again with a signature that matches the ONNX inputs." },
    );
  }
}

/**
 * Loads the staged copy in ONNX Runtime (what is validated is exactly what will be stored) and
 * returns the interface and signature to record. Throws MODEL_INVALID for anything that is not a
 * loadable model with at least one input and one tensor output.
 */
export function validateStagedModel(
  source: ModelSource,
  stagedOnnxFile: string,
): { modelInterface: ModelInterface; signature: ModelVersion["signature"] } {
  let model: OnnxModel;
  try {
    model = OnnxModel.load(stagedOnnxFile);
  } catch (error) {
    throw new ModelSqlError(
      "MODEL_INVALID",
      `'${source.location}' is not a model ONNX Runtime can load: ${describeCause(error)}`,
      {
        hint: "Register an ONNX model (.onnx) or an MLflow model directory with an onnx flavor.",
        cause: error,
      },
    );
  }
  const { modelInterface } = model;
  model.dispose();
  if (modelInterface.inputs.length === 0 || model.tensorOutputNames.length === 0) {
    throw new ModelSqlError(
      "MODEL_INVALID",
      `'${source.location}' loads, but has ${modelInterface.inputs.length} inputs and ${model.tensorOutputNames.length} tensor outputs; a model to call from SQL needs at least one of each.`,
    );
  }
  if (source.signature) {
    checkSignatureNames(source, source.signature, modelInterface);
    return { modelInterface, signature: { ...source.signature, source: "MLmodel" } };
  }
  return { modelInterface, signature: { ...signatureFromGraph(modelInterface), source: "onnx-graph" } };
}
