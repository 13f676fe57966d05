import type { ModelSignature } from "../models/mlmodel-file.js";
import type { ModelInterface } from "../models/model-interface.js";
import type { ModelStage } from "./model-stages.js";
import type { ArtifactReference } from "./model-uri.js";

/**
 * The model registry as modelsql uses it, whatever keeps it: the workspace's own (local) or an
 * MLflow tracking server. Semantics follow MLflow's: immutable numbered versions, aliases,
 * legacy stages. Names are canonical three-level names (`main.ml.churn`).
 */

export interface ModelVersion {
  /** The registered model's name; for an artifact no version stands for, its URI. */
  readonly name: string;
  /** The version number; 0 for an artifact no version stands for. */
  readonly version: number;
  /** Set when this is a run's or a logged model's artifact rather than a registered version. */
  readonly artifactReference?: ArtifactReference;
  readonly description: string | null;
  /** Where the artifact was registered from. */
  readonly source: string;
  readonly runId: string | null;
  /** sha256 of the artifact's files (see artifact-store.ts). */
  readonly artifactHash: string;
  /** The artifact directory on this machine, and the ONNX file inside it. */
  readonly artifactDirectory: string;
  readonly onnxFile: string;
  readonly modelInterface: ModelInterface;
  readonly signature: (ModelSignature & { readonly source: "MLmodel" | "onnx-graph" }) | null;
  readonly stage: ModelStage;
  readonly aliases: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly lastUpdatedAt: Date;
}

export interface RegisteredModel {
  readonly name: string;
  readonly description: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly lastUpdatedAt: Date;
  readonly latestVersion: number | null;
  readonly aliases: Readonly<Record<string, number>>;
  readonly versionCount: number;
}

export interface RegisterVersionRequest {
  readonly name: string;
  /** An ONNX file or an MLflow model directory. */
  readonly path: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly principal: string;
}

/** The tracking run that produced a version, where the registry knows it (MLflow). */
export interface RunLineage {
  readonly runId: string;
  readonly runName: string | null;
  readonly experimentId: string | null;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
}

/** "main.ml.churn version 2", or the URI of an artifact that no registered version stands for. */
export function describeModelVersion(
  version: Pick<ModelVersion, "name" | "version" | "artifactReference">,
): string {
  return version.artifactReference ? version.name : `${version.name} version ${version.version}`;
}

/** "main.ml.churn/2" as `models describe` takes it, or the artifact's URI. */
export function modelVersionLabel(
  version: Pick<ModelVersion, "name" | "version" | "artifactReference">,
): string {
  return version.artifactReference ? version.name : `${version.name}/${version.version}`;
}

export interface ModelRegistry {
  /** Where versions come from, as the inference log names it: `local`, or the MLflow server's URL. */
  readonly location: string;
  /**
   * A run's model artifacts (`runs:/`) or an MLflow 3 logged model (`models:/m-...`), as a
   * version-0 ModelVersion; absent where the registry keeps no runs (the local one).
   */
  getArtifact?(reference: ArtifactReference): Promise<ModelVersion>;
  /** The run behind a version, with its parameters and metrics; absent where runs are not tracked. */
  runLineage?(runId: string): Promise<RunLineage>;
  registerVersion(request: RegisterVersionRequest): Promise<ModelVersion>;
  listModels(): Promise<RegisteredModel[]>;
  getModel(name: string): Promise<RegisteredModel>;
  listVersions(name: string): Promise<ModelVersion[]>;
  getVersion(name: string, version: number): Promise<ModelVersion>;
  /** The version an alias points to; throws MODEL_VERSION_NOT_FOUND when the alias is not set. */
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  /** The newest version, or the newest in a stage; throws MODEL_VERSION_NOT_FOUND when there is none. */
  getLatestVersion(name: string, stage?: ModelStage): Promise<ModelVersion>;
  setAlias(name: string, alias: string, version: number): Promise<void>;
  /** Returns whether the alias was set. */
  deleteAlias(name: string, alias: string): Promise<boolean>;
  transitionStage(
    name: string,
    version: number,
    stage: ModelStage,
    archiveExisting: boolean,
  ): Promise<ModelVersion>;
}
