import { rmSync } from "node:fs";
import path from "node:path";
import type { MetadataStore } from "../../catalog/metadata-store.js";
import { ModelSqlError } from "../../errors.js";
import type { ModelInterface } from "../../models/model-interface.js";
import { inspectModelSource } from "../../models/model-source.js";
import type { ArtifactStore } from "../artifact-store.js";
import type { ModelVersion } from "../model-registry.js";
import { validateStagedModel } from "../model-validation.js";
import { downloadArtifactDirectory, downloadArtifactFile } from "./mlflow-artifact-fetch.js";
import type { MlflowRestClient } from "./mlflow-rest-client.js";

/** Where a model's files are on the server: a directory (an MLflow model) or one .onnx file. */
export interface ArtifactLocation {
  readonly uri: string;
  readonly kind: "directory" | "file";
}

/** An error about the download directory, told about the model as MLflow names it instead. */
function namingTheServer(error: unknown, local: string, model: string): unknown {
  if (!(error instanceof ModelSqlError)) return error;
  const within = (text: string) => text.replaceAll(`'${local}`, `'${model}`).replaceAll(local, model);
  return new ModelSqlError(error.errorClass, within(error.detail), {
    ...(error.hint ? { hint: error.hint } : {}),
    cause: error,
  });
}

/** What a fetched model is, as scoring needs it. */
export type FetchedModel = Pick<
  ModelVersion,
  "artifactHash" | "artifactDirectory" | "onnxFile" | "modelInterface" | "signature"
>;

interface FetchedRow {
  artifact_hash: string;
  onnx_file: string;
  interface_json: string;
  signature_json: string | null;
}

/**
 * The models this workspace fetched from an MLflow server (migration 7): each fetched once
 * through the artifact proxy, validated as a local registration would be, and kept in the
 * content-addressed artifact store. Keys are (name, version) for registered versions, and
 * (URI, 0) for a run's or logged model's artifacts; both are immutable in MLflow.
 */
export class MlflowFetchedModels {
  constructor(
    private readonly client: MlflowRestClient,
    private readonly serverUrl: string,
    private readonly store: MetadataStore,
    private readonly artifacts: ArtifactStore,
  ) {}

  async fetch(name: string, version: number, locate: () => Promise<ArtifactLocation>): Promise<FetchedModel> {
    const row =
      this.store.get<FetchedRow>(
        "SELECT artifact_hash, onnx_file, interface_json, signature_json FROM mlflow_fetched_versions WHERE server = ? AND model_name = ? AND version = ?",
        this.serverUrl,
        name,
        version,
      ) ?? (await this.download(name, version, await locate()));
    return {
      artifactHash: row.artifact_hash,
      artifactDirectory: this.artifacts.directoryOf(row.artifact_hash),
      onnxFile: row.onnx_file,
      modelInterface: JSON.parse(row.interface_json) as ModelInterface,
      signature: row.signature_json ? (JSON.parse(row.signature_json) as ModelVersion["signature"]) : null,
    };
  }

  private async download(name: string, version: number, location: ArtifactLocation): Promise<FetchedRow> {
    const local =
      location.kind === "file"
        ? await downloadArtifactFile(this.client, location.uri)
        : await downloadArtifactDirectory(this.client, location.uri);
    const label = `${version === 0 ? name : `${name} version ${version}`} (${location.uri})`;
    try {
      let source: ReturnType<typeof inspectModelSource>;
      try {
        source = inspectModelSource(
          location.kind === "file" ? path.join(local, path.posix.basename(location.uri)) : local,
        );
      } catch (error) {
        throw namingTheServer(error, local, label);
      }
      const staged = this.artifacts.stage(source.root, source.files);
      let checked: ReturnType<typeof validateStagedModel>;
      try {
        checked = validateStagedModel(source, path.join(staged, source.onnxFile));
      } catch (error) {
        this.artifacts.discard(staged);
        throw namingTheServer(namingTheServer(error, staged, label), local, label);
      }
      // The content hash is computed over the fetched bytes; they are what scores from now on.
      const stored = this.artifacts.commit(staged, source.files);
      const row: FetchedRow = {
        artifact_hash: stored.hash,
        onnx_file: source.onnxFile,
        interface_json: JSON.stringify(checked.modelInterface),
        signature_json: checked.signature ? JSON.stringify(checked.signature) : null,
      };
      this.store.writeTransaction(() =>
        this.store.run(
          `INSERT OR REPLACE INTO mlflow_fetched_versions (server, model_name, version, artifact_hash, onnx_file, interface_json, signature_json, fetched_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          this.serverUrl,
          name,
          version,
          row.artifact_hash,
          row.onnx_file,
          row.interface_json,
          row.signature_json,
          Date.now(),
        ),
      );
      return row;
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  }
}
