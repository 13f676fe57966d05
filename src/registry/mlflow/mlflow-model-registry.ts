import type { MetadataStore } from "../../catalog/metadata-store.js";
import { ModelSqlError } from "../../errors.js";
import type { ArtifactStore } from "../artifact-store.js";
import type {
  ModelRegistry,
  ModelVersion,
  RegisteredModel,
  RegisterVersionRequest,
  RunLineage,
} from "../model-registry.js";
import { canonicalStage, type ModelStage } from "../model-stages.js";
import { type ArtifactReference, formatModelReference } from "../model-uri.js";
import { AnswerCache } from "./answer-cache.js";
import { type ArtifactLocation, MlflowFetchedModels } from "./mlflow-fetched-models.js";
import type { MlflowRestClient } from "./mlflow-rest-client.js";
import { locateRunArtifact } from "./mlflow-run-artifacts.js";
import type { MlflowModelVersion, MlflowRegisteredModel } from "./mlflow-schemas.js";

/**
 * The registry of an MLflow tracking server, as modelsql's registry: names, versions, aliases and
 * stages are MLflow's, read live (an alias moved in MLflow takes effect on the next statement);
 * a version's files are fetched once through the server's artifact proxy, validated as a local
 * registration would be, and kept in the workspace's content-addressed artifact store (MLflow
 * versions are immutable).
 */
export class MlflowModelRegistry implements ModelRegistry {
  readonly location: string;
  private readonly fetchedModels: MlflowFetchedModels;
  private readonly answers: AnswerCache;

  /** `cacheMilliseconds`: how long an answer about names, aliases and stages is trusted. */
  constructor(
    private readonly client: MlflowRestClient,
    private readonly serverUrl: string,
    store: MetadataStore,
    artifacts: ArtifactStore,
    cacheMilliseconds: number,
  ) {
    this.location = serverUrl;
    this.fetchedModels = new MlflowFetchedModels(client, serverUrl, store, artifacts);
    this.answers = new AnswerCache(cacheMilliseconds);
  }

  private run(runId: string) {
    return this.answers.get(`run ${runId}`, () => this.client.getRun(runId));
  }

  async getArtifact(reference: ArtifactReference): Promise<ModelVersion> {
    const uri = formatModelReference(reference);
    let runId: string | null;
    let location: () => Promise<ArtifactLocation>;
    let createdAt: number;
    if (reference.kind === "logged-model") {
      const logged = await this.answers.get(`logged ${reference.modelId}`, () =>
        this.client.getLoggedModel(reference.modelId),
      );
      // A logged model whose upload has not finished (or failed) is not fetched, so never kept half.
      if (logged.info.status && logged.info.status !== "LOGGED_MODEL_READY") {
        throw new ModelSqlError(
          "MODEL_VERSION_NOT_FOUND",
          `The logged model ${reference.modelId} is ${logged.info.status}, not ready, in MLflow at ${this.serverUrl}`,
          { hint: "Wait until its upload finishes, or log it again." },
        );
      }
      runId = logged.info.source_run_id || null;
      createdAt = logged.info.creation_timestamp_ms ?? 0;
      location = async () => ({ uri: logged.info.artifact_uri, kind: "directory" });
    } else {
      const run = await this.run(reference.runId);
      runId = run.info.run_id;
      createdAt = run.info.start_time ?? 0;
      location = () => locateRunArtifact(this.client, run, reference.path);
    }
    const fetched = await this.fetchedModels.fetch(uri, 0, location);
    return {
      name: uri,
      version: 0,
      artifactReference: reference,
      description: null,
      source: uri,
      runId,
      ...fetched,
      stage: "None",
      aliases: [],
      tags: {},
      createdBy: "mlflow",
      createdAt: new Date(createdAt),
      lastUpdatedAt: new Date(createdAt),
    };
  }

  async runLineage(runId: string): Promise<RunLineage> {
    const run = await this.run(runId);
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
    return this.registeredModel(
      await this.answers.get(`model ${name}`, () => this.client.getRegisteredModel(name)),
    );
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    const versions = await this.withAliases(
      name,
      await this.answers.get(`versions ${name}`, () => this.client.listVersions(name)),
    );
    const result: ModelVersion[] = [];
    for (const version of versions) result.push(await this.materialize(version));
    return result;
  }

  /**
   * MLflow's version search leaves out each version's aliases (seen on 3.5.1); the registered
   * model lists them, so they are filled in from there.
   */
  private async withAliases(name: string, versions: MlflowModelVersion[]): Promise<MlflowModelVersion[]> {
    const model = await this.answers.get(`model ${name}`, () => this.client.getRegisteredModel(name));
    return versions.map((version) => ({
      ...version,
      aliases: (model.aliases ?? [])
        .filter((entry) => entry.version === version.version)
        .map((entry) => entry.alias),
    }));
  }

  async getVersion(name: string, version: number): Promise<ModelVersion> {
    return this.materialize(
      await this.answers.get(`version ${name} ${version}`, () => this.client.getModelVersion(name, version)),
    );
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.materialize(
      await this.answers.get(`alias ${name} ${alias}`, () => this.client.getModelVersionByAlias(name, alias)),
    );
  }

  async getLatestVersion(name: string, stage?: ModelStage): Promise<ModelVersion> {
    const versions = (
      await this.withAliases(
        name,
        await this.answers.get(`versions ${name}`, () => this.client.listVersions(name)),
      )
    ).filter((version) => stage === undefined || version.current_stage === stage);
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
    this.answers.clear();
  }

  async deleteAlias(name: string, alias: string): Promise<boolean> {
    try {
      await this.client.deleteAlias(name, alias);
      this.answers.clear();
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
    const moved = await this.client.transitionStage(name, version, stage, archiveExisting);
    this.answers.clear();
    return this.materialize(moved);
  }

  private async registeredModel(model: MlflowRegisteredModel): Promise<RegisteredModel> {
    const versions = await this.answers.get(`versions ${model.name}`, () =>
      this.client.listVersions(model.name),
    );
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
    const fetched = await this.fetchedModels.fetch(version.name, version.version, async () => ({
      uri: await this.client.getDownloadUri(version.name, version.version),
      kind: "directory",
    }));
    return {
      name: version.name,
      version: version.version,
      description: version.description || null,
      source: version.source ?? "",
      runId: version.run_id || null,
      ...fetched,
      stage: canonicalStage(version.current_stage ?? "None"),
      aliases: version.aliases ?? [],
      tags: Object.fromEntries((version.tags ?? []).map((tag) => [tag.key, tag.value ?? ""])),
      createdBy: "mlflow",
      createdAt: new Date(version.creation_timestamp ?? 0),
      lastUpdatedAt: new Date(version.last_updated_timestamp ?? 0),
    };
  }
}
