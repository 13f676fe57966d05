/** The public API of modelsql. */
export { formatThreeLevelName, parseThreeLevelName } from "./catalog/three-level-name.js";
export { resolveWorkspaceDirectory } from "./catalog/workspace-location.js";
export { ERROR_CLASSES, type ErrorClass, ModelSqlError } from "./errors.js";
export { columnTensor } from "./models/column-tensor.js";
export type { ModelInterface, OutputDescription, TensorDescription } from "./models/model-interface.js";
export { OnnxModel } from "./models/onnx-model.js";
export type { ModelRegistry, ModelVersion, RegisteredModel } from "./registry/model-registry.js";
export { MODEL_STAGES, type ModelStage } from "./registry/model-stages.js";
export { type ModelReference, parseModelUri } from "./registry/model-uri.js";
export { resolveModelReference, resolveModelUri } from "./registry/model-uri-resolution.js";
export { initWorkspace, openWorkspace, type Workspace } from "./workspace.js";
