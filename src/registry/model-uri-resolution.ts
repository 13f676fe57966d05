import { ModelSqlError } from "../errors.js";
import { LATEST_ALIAS } from "./alias-names.js";
import type { ModelRegistry, ModelVersion } from "./model-registry.js";
import { canonicalStage } from "./model-stages.js";
import { formatModelReference, type ModelReference, parseModelUri } from "./model-uri.js";

/**
 * Resolves a model reference to one version, as MLflow does: a version number as it is; an alias
 * through the registry (`@latest` meaning the newest version); a stage to the newest version in
 * that stage; `latest` to the newest version of all.
 */
export async function resolveModelReference(
  registry: ModelRegistry,
  reference: ModelReference,
): Promise<ModelVersion> {
  switch (reference.kind) {
    case "version":
      return registry.getVersion(reference.name, reference.version);
    case "alias":
      return reference.alias.toLowerCase() === LATEST_ALIAS
        ? registry.getLatestVersion(reference.name)
        : registry.getVersionByAlias(reference.name, reference.alias);
    case "stage":
      return registry.getLatestVersion(reference.name, canonicalStage(reference.stage));
    case "latest":
      return registry.getLatestVersion(reference.name);
    case "run":
    case "logged-model":
      if (!registry.getArtifact) {
        throw new ModelSqlError(
          "UNSUPPORTED_FEATURE",
          `${formatModelReference(reference)} names an MLflow ${reference.kind === "run" ? "run's artifacts" : "logged model"}, and this workspace's own registry keeps no runs`,
          {
            hint: "Register the model (modelsql models register) and bind the function to models:/<name>@<alias>, or point the workspace at the MLflow server (modelsql init --registry URL).",
          },
        );
      }
      return registry.getArtifact(reference);
  }
}

export async function resolveModelUri(registry: ModelRegistry, uri: string): Promise<ModelVersion> {
  return resolveModelReference(registry, parseModelUri(uri));
}
