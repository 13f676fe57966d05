import { rmSync } from "node:fs";
import path from "node:path";
import type { MetadataStore } from "../../catalog/metadata-store.js";
import { ModelSqlError } from "../../errors.js";
import type { ModelInterface } from "../../models/model-interface.js";
import { inspectModelSource } from "../../models/model-source.js";
import type { ArtifactStore } from "../artifact-store.js";
import type {
  ModelRegistry,
  ModelVersion,
  RegisteredModel,
  RegisterVersionRequest,
  RunLineage,
} from "../model-registry.js";
import { canonicalStage, type ModelStage } from "../model-stages.js";
import { validateStagedModel } from "../model-validation.js";
import { downloadArtifactDirectory } from "./mlflow-artifact-fetch.js";
import type { MlflowRestClient } from "./mlflow-rest-client.js";
import type { MlflowModelVersion, MlflowRegisteredModel } from "./mlflow-schemas.js";

interface FetchedRow {
  artifact_hash: string;
  onnx_file: string;
  interface_json: string;
  signature_json: string | null;
}

/**
 * The registry of an MLflow tracking server, as modelsql's registry: names, versions, aliases and
 * stages are MLflow's, read live (an alias moved in MLflow takes effect on the next statement);
 * a version's files are fetched once through the server's artifact proxy, validated as a local
 * registration would be, and kept in the workspace's content-addressed artifact store (MLflow
 * versions are immutable).
 */
export class MlflowModelRegistry implements ModelRegistry {
  constructor(
    private readonly client: MlflowRestClient,
    private readonly serverUrl: string,
    private readonly store: MetadataStore,
    private readonly artifacts: ArtifactStore,
  ) {}

  async runLineage(runId: string): Promise<RunLineage> {
    const run = await this.client.getRun(runId);
    return {
      runId: run.info.run_id,
      runName: run.info.run_name || null,
      experimentId: run.info.experiment_id || null,
      params: Object.fromEntries((run.data?.params ?? []).map((param) => [param.key, param.value ?? ""])),
      metrics: Object.fromEntries(
        (run.data?.metrics ?? []).flatMap((metric) =>
          typeof metric.value === "number" ? [[metric.key, metric.value] as const] : [],
        ),
      ),
    };
  }

  async registerVersion(_request: RegisterVersionRequest): Promise<ModelVersion> {
    throw new ModelSqlError(
      "UNSUPPORTED_FEATURE",
      `This workspace reads its registry from MLflow at ${this.serverUrl}; versions are registered there`,
      {
        hint: 'Register with MLflow: mlflow.register_model("runs:/<run id>/<path>", "<catalog.schema.model>").',
      },
    );
  }

  async listModels(): Promise<RegisteredModel[]> {
    const models = await this.client.listRegisteredModels();
    return Promise.all(models.map((model) => this.registeredModel(model)));
  }

  async getModel(name: string): Promise<RegisteredModel> {
    return this.registeredModel(await this.client.getRegisteredModel(name));
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    const versions = await this.withAliases(name, await this.client.listVersions(name));
    const result: ModelVersion[] = [];
    for (const version of versions) result.push(await this.materialize(version));
    return result;
  }

  /**
   * MLflow's version search leaves out each version's aliases (seen on 3.5.1); the registered
   * model lists them, so they are filled in from there.
   */
  private async withAliases(name: string, versions: MlflowModelVersion[]): Promise<MlflowModelVersion[]> {
    const model = await this.client.getRegisteredModel(name);
    return versions.map((version) => ({
      ...version,
      aliases: (model.aliases ?? [])
        .filter((entry) => entry.version === version.version)
        .map((entry) => entry.alias),
    }));
  }

  async getVersion(name: string, version: number): Promise<ModelVersion> {
    return this.materialize(await this.client.getModelVersion(name, version));
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.materialize(await this.client.getModelVersionByAlias(name, alias));
  }

  async getLatestVersion(name: string, stage?: ModelStage): Promise<ModelVersion> {
    const versions = (await this.withAliases(name, await this.client.listVersions(name))).filter(
      (version) => stage === undefined || version.current_stage === stage,
    );
    const latest = versions[versions.length - 1];
    if (!latest) {
      throw new ModelSqlError(
        "MODEL_VERSION_NOT_FOUND",
        `${name} has no version${stage ? ` in stage ${stage}` : ""} in MLflow at ${this.serverUrl}`,
      );
    }
    return this.materialize(latest);
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    await this.client.setAlias(name, alias, version);
  }

  async deleteAlias(name: string, alias: string): Promise<boolean> {
    try {
      await this.client.deleteAlias(name, alias);
      return true;
    } catch (error) {
      if (error instanceof ModelSqlError && error.errorClass === "MODEL_VERSION_NOT_FOUND") return false;
      throw error;
    }
  }

  async transitionStage(
    name: string,
    version: number,
    stage: ModelStage,
    archiveExisting: boolean,
  ): Promise<ModelVersion> {
    return this.materialize(await this.client.transitionStage(name, version, stage, archiveExisting));
  }

  private async registeredModel(model: MlflowRegisteredModel): Promise<RegisteredModel> {
    const versions = await this.client.listVersions(model.name);
    return {
      name: model.name,
      description: model.description || null,
      createdBy: "mlflow",
      createdAt: new Date(model.creation_timestamp ?? 0),
      lastUpdatedAt: new Date(model.last_updated_timestamp ?? 0),
      latestVersion: versions[versions.length - 1]?.version ?? null,
      aliases: Object.fromEntries((model.aliases ?? []).map((entry) => [entry.alias, entry.version])),
      versionCount: versions.length,
    };
  }

  /** The version as modelsql's ModelVersion, its files fetched into the artifact store once. */
  private async materialize(version: MlflowModelVersion): Promise<ModelVersion> {
    const fetched = await this.fetched(version);
    return {
      name: version.name,
      version: version.version,
      description: version.description || null,
      source: version.source ?? "",
      runId: version.run_id || null,
      artifactHash: fetched.artifact_hash,
      artifactDirectory: this.artifacts.directoryOf(fetched.artifact_hash),
      onnxFile: fetched.onnx_file,
      modelInterface: JSON.parse(fetched.interface_json) as ModelInterface,
      signature: fetched.signature_json
        ? (JSON.parse(fetched.signature_json) as ModelVersion["signature"])
        : null,
      stage: canonicalStage(version.current_stage ?? "None"),
      aliases: version.aliases ?? [],
      tags: Object.fromEntries((version.tags ?? []).map((tag) => [tag.key, tag.value ?? ""])),
      createdBy: "mlflow",
      createdAt: new Date(version.creation_timestamp ?? 0),
      lastUpdatedAt: new Date(version.last_updated_timestamp ?? 0),
    };
  }

  private async fetched(version: MlflowModelVersion): Promise<FetchedRow> {
    const known = this.store.get<FetchedRow>(
      "SELECT artifact_hash, onnx_file, interface_json, signature_json FROM mlflow_fetched_versions WHERE server = ? AND model_name = ? AND version = ?",
      this.serverUrl,
      version.name,
      version.version,
    );
    if (known) return known;
    const uri = await this.client.getDownloadUri(version.name, version.version);
    const local = await downloadArtifactDirectory(this.client, uri);
    try {
      const source = inspectModelSource(local);
      const staged = this.artifacts.stage(source.root, source.files);
      let checked: ReturnType<typeof validateStagedModel>;
      try {
        checked = validateStagedModel(source, path.join(staged, source.onnxFile));
      } catch (error) {
        this.artifacts.discard(staged);
        throw error;
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
          version.name,
          version.version,
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
