import { existsSync } from "node:fs";
import path from "node:path";
import type { MetadataStore } from "../catalog/metadata-store.js";
import { canonicalThreeLevelName } from "../catalog/three-level-name.js";
import { ModelSqlError } from "../errors.js";
import type { ModelInterface } from "../models/model-interface.js";
import { inspectModelSource } from "../models/model-source.js";
import { checkAliasName, checkAliasNameToSet } from "./alias-names.js";
import type { ArtifactStore } from "./artifact-store.js";
import type {
  ModelRegistry,
  ModelVersion,
  RegisteredModel,
  RegisterVersionRequest,
} from "./model-registry.js";
import { ACTIVE_STAGES, type ModelStage } from "./model-stages.js";
import { validateStagedModel } from "./model-validation.js";

/** A registration copies and validates in seconds; a staging directory a day old was abandoned. */
const ABANDONED_STAGING_AGE_MS = 24 * 60 * 60 * 1000;

interface ModelRow {
  name: string;
  description: string | null;
  created_by: string;
  created_at: number;
  last_updated_at: number;
}

interface VersionRow {
  model_name: string;
  version: number;
  description: string | null;
  source: string;
  run_id: string | null;
  artifact_hash: string;
  onnx_file: string;
  interface_json: string;
  signature_json: string | null;
  stage: ModelStage;
  created_by: string;
  created_at: number;
  last_updated_at: number;
}

/** The registry kept in the workspace itself: SQLite metadata plus content-addressed artifacts. */
export class LocalModelRegistry implements ModelRegistry {
  readonly location = "local";

  constructor(
    private readonly store: MetadataStore,
    private readonly artifacts: ArtifactStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async registerVersion(request: RegisterVersionRequest): Promise<ModelVersion> {
    const name = canonicalThreeLevelName(request.name, "model");
    const source = inspectModelSource(request.path);
    this.artifacts.removeAbandonedStaging(ABANDONED_STAGING_AGE_MS);
    const staged = this.artifacts.stage(source.root, source.files);
    let stored: { hash: string; created: boolean };
    let checked: { modelInterface: ModelInterface; signature: ModelVersion["signature"] };
    try {
      checked = validateStagedModel(source, path.join(staged, source.onnxFile));
      stored = this.artifacts.commit(staged, source.files);
    } catch (error) {
      this.artifacts.discard(staged);
      throw error;
    }
    try {
      const version = this.store.writeTransaction(() =>
        this.insertVersion(name, request, source, stored.hash, checked),
      );
      return this.versionOrThrow(name, version);
    } catch (error) {
      // Under the write lock, so no other process can be registering a version of the same
      // content between the check and the removal (its insert checks the directory exists).
      if (stored.created) {
        this.store.writeTransaction(() => {
          if (!this.artifactReferenced(stored.hash)) this.artifacts.remove(stored.hash);
        });
      }
      throw error;
    }
  }

  private insertVersion(
    name: string,
    request: RegisterVersionRequest,
    source: ReturnType<typeof inspectModelSource>,
    hash: string,
    checked: { modelInterface: ModelInterface; signature: ModelVersion["signature"] },
  ): number {
    if (!existsSync(this.artifacts.directoryOf(hash))) {
      // Another process stored the same content, failed, and removed it just now.
      throw new ModelSqlError(
        "INTERNAL_ERROR",
        "The artifact was removed by a failed registration in another process.",
        {
          hint: "Run the same command again.",
        },
      );
    }
    const at = this.now().getTime();
    this.store.run(
      `INSERT INTO registered_models (name, description, created_by, created_at, last_updated_at)
       VALUES (?, NULL, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_updated_at = excluded.last_updated_at`,
      name,
      request.principal,
      at,
      at,
    );
    const latest = this.store.get<{ latest: number | null }>(
      "SELECT max(version) AS latest FROM model_versions WHERE model_name = ?",
      name,
    );
    const version = (latest?.latest ?? 0) + 1;
    this.store.run(
      `INSERT INTO model_versions (model_name, version, description, source, run_id, artifact_hash, onnx_file,
         interface_json, signature_json, stage, created_by, created_at, last_updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'None', ?, ?, ?)`,
      name,
      version,
      request.description ?? null,
      source.location,
      source.runId ?? null,
      hash,
      source.onnxFile,
      JSON.stringify(checked.modelInterface),
      checked.signature ? JSON.stringify(checked.signature) : null,
      request.principal,
      at,
      at,
    );
    for (const [key, value] of Object.entries(request.tags ?? {})) {
      this.store.run(
        "INSERT INTO model_version_tags (model_name, version, key, value) VALUES (?, ?, ?, ?)",
        name,
        version,
        key,
        value,
      );
    }
    return version;
  }

  private artifactReferenced(hash: string): boolean {
    return this.store.get("SELECT 1 FROM model_versions WHERE artifact_hash = ? LIMIT 1", hash) !== undefined;
  }

  async listModels(): Promise<RegisteredModel[]> {
    return this.store.readTransaction(() =>
      this.store
        .all<ModelRow>("SELECT * FROM registered_models ORDER BY name")
        .map((row) => this.registeredModelFrom(row)),
    );
  }

  async getModel(name: string): Promise<RegisteredModel> {
    const canonical = canonicalThreeLevelName(name, "model");
    return this.store.readTransaction(() => this.registeredModelFrom(this.modelRowOrThrow(canonical)));
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    const canonical = canonicalThreeLevelName(name, "model");
    return this.store.readTransaction(() => {
      this.modelRowOrThrow(canonical);
      return this.store
        .all<VersionRow>("SELECT * FROM model_versions WHERE model_name = ? ORDER BY version", canonical)
        .map((row) => this.versionFrom(row));
    });
  }

  async getVersion(name: string, version: number): Promise<ModelVersion> {
    return this.versionOrThrow(canonicalThreeLevelName(name, "model"), version);
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const canonical = canonicalThreeLevelName(name, "model");
    checkAliasName(alias);
    const version = this.store.readTransaction(() => {
      this.modelRowOrThrow(canonical);
      const row = this.store.get<{ version: number }>(
        "SELECT version FROM model_aliases WHERE model_name = ? AND alias = ?",
        canonical,
        alias,
      );
      if (!row) {
        throw new ModelSqlError(
          "MODEL_VERSION_NOT_FOUND",
          `Model '${canonical}' has no alias '${alias}' (${this.describeAliases(canonical)}).`,
          { hint: `Set it with: modelsql models alias set ${canonical} ${alias} <version>` },
        );
      }
      return row.version;
    });
    return this.versionOrThrow(canonical, version);
  }

  async getLatestVersion(name: string, stage?: ModelStage): Promise<ModelVersion> {
    const canonical = canonicalThreeLevelName(name, "model");
    const version = this.store.readTransaction(() => {
      this.modelRowOrThrow(canonical);
      const row = this.store.get<{ latest: number | null }>(
        stage === undefined
          ? "SELECT max(version) AS latest FROM model_versions WHERE model_name = ?"
          : "SELECT max(version) AS latest FROM model_versions WHERE model_name = ? AND stage = ?",
        ...(stage === undefined ? [canonical] : [canonical, stage]),
      );
      if (row?.latest == null) {
        throw new ModelSqlError(
          "MODEL_VERSION_NOT_FOUND",
          stage === undefined
            ? `Model '${canonical}' has no versions.`
            : `No version of model '${canonical}' is in stage '${stage}'.`,
          { hint: `See its versions with: modelsql models describe ${canonical}` },
        );
      }
      return row.latest;
    });
    return this.versionOrThrow(canonical, version);
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    const canonical = canonicalThreeLevelName(name, "model");
    checkAliasNameToSet(alias);
    this.store.writeTransaction(() => {
      this.versionRowOrThrow(canonical, version);
      this.store.run(
        `INSERT INTO model_aliases (model_name, alias, version) VALUES (?, ?, ?)
         ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version`,
        canonical,
        alias,
        version,
      );
      this.touchModel(canonical);
    });
  }

  async deleteAlias(name: string, alias: string): Promise<boolean> {
    const canonical = canonicalThreeLevelName(name, "model");
    checkAliasName(alias);
    return this.store.writeTransaction(() => {
      this.modelRowOrThrow(canonical);
      const { changes } = this.store.run(
        "DELETE FROM model_aliases WHERE model_name = ? AND alias = ?",
        canonical,
        alias,
      );
      if (changes > 0) this.touchModel(canonical);
      return changes > 0;
    });
  }

  async transitionStage(
    name: string,
    version: number,
    stage: ModelStage,
    archiveExisting: boolean,
  ): Promise<ModelVersion> {
    const canonical = canonicalThreeLevelName(name, "model");
    if (archiveExisting && !ACTIVE_STAGES.includes(stage)) {
      throw new ModelSqlError(
        "INVALID_PARAMETER_VALUE",
        `Model version transition cannot archive existing model versions because '${stage}' is not an active stage. Valid stages are ${ACTIVE_STAGES.join(", ")}.`,
      );
    }
    this.store.writeTransaction(() => {
      this.versionRowOrThrow(canonical, version);
      const at = this.now().getTime();
      if (archiveExisting) {
        this.store.run(
          `UPDATE model_versions SET stage = 'Archived', last_updated_at = ?
           WHERE model_name = ? AND stage = ? AND version <> ?`,
          at,
          canonical,
          stage,
          version,
        );
      }
      this.store.run(
        "UPDATE model_versions SET stage = ?, last_updated_at = ? WHERE model_name = ? AND version = ?",
        stage,
        at,
        canonical,
        version,
      );
      this.touchModel(canonical);
    });
    return this.versionOrThrow(canonical, version);
  }

  private touchModel(name: string): void {
    this.store.run(
      "UPDATE registered_models SET last_updated_at = ? WHERE name = ?",
      this.now().getTime(),
      name,
    );
  }

  private modelRowOrThrow(name: string): ModelRow {
    const row = this.store.get<ModelRow>("SELECT * FROM registered_models WHERE name = ?", name);
    if (!row) {
      throw new ModelSqlError("MODEL_NOT_FOUND", `Registered model '${name}' does not exist.`, {
        hint: "List the registered models with: modelsql models list",
      });
    }
    return row;
  }

  private versionRowOrThrow(name: string, version: number): VersionRow {
    this.modelRowOrThrow(name);
    const row = this.store.get<VersionRow>(
      "SELECT * FROM model_versions WHERE model_name = ? AND version = ?",
      name,
      version,
    );
    if (!row) {
      const versions = this.store
        .all<{ version: number }>(
          "SELECT version FROM model_versions WHERE model_name = ? ORDER BY version",
          name,
        )
        .map((found) => found.version);
      throw new ModelSqlError(
        "MODEL_VERSION_NOT_FOUND",
        `Model '${name}' has no version ${version} (its versions: ${versions.join(", ") || "none"}).`,
      );
    }
    return row;
  }

  private versionOrThrow(name: string, version: number): ModelVersion {
    return this.store.readTransaction(() => this.versionFrom(this.versionRowOrThrow(name, version)));
  }

  private describeAliases(name: string): string {
    const aliases = this.store.all<{ alias: string; version: number }>(
      "SELECT alias, version FROM model_aliases WHERE model_name = ? ORDER BY alias",
      name,
    );
    if (aliases.length === 0) return "it has no aliases";
    return `its aliases: ${aliases.map((row) => `${row.alias} -> ${row.version}`).join(", ")}`;
  }

  private registeredModelFrom(row: ModelRow): RegisteredModel {
    const versions = this.store.get<{ latest: number | null; count: number }>(
      "SELECT max(version) AS latest, count(*) AS count FROM model_versions WHERE model_name = ?",
      row.name,
    );
    const aliases = this.store.all<{ alias: string; version: number }>(
      "SELECT alias, version FROM model_aliases WHERE model_name = ? ORDER BY alias",
      row.name,
    );
    return {
      name: row.name,
      description: row.description,
      createdBy: row.created_by,
      createdAt: new Date(row.created_at),
      lastUpdatedAt: new Date(row.last_updated_at),
      latestVersion: versions?.latest ?? null,
      versionCount: versions?.count ?? 0,
      aliases: Object.fromEntries(aliases.map((alias) => [alias.alias, alias.version])),
    };
  }

  private versionFrom(row: VersionRow): ModelVersion {
    const aliases = this.store
      .all<{ alias: string }>(
        "SELECT alias FROM model_aliases WHERE model_name = ? AND version = ? ORDER BY alias",
        row.model_name,
        row.version,
      )
      .map((alias) => alias.alias);
    const tags = this.store.all<{ key: string; value: string }>(
      "SELECT key, value FROM model_version_tags WHERE model_name = ? AND version = ? ORDER BY key",
      row.model_name,
      row.version,
    );
    return {
      name: row.model_name,
      version: row.version,
      description: row.description,
      source: row.source,
      runId: row.run_id,
      artifactHash: row.artifact_hash,
      artifactDirectory: this.artifacts.directoryOf(row.artifact_hash),
      onnxFile: row.onnx_file,
      modelInterface: JSON.parse(row.interface_json) as ModelInterface,
      signature: row.signature_json ? (JSON.parse(row.signature_json) as ModelVersion["signature"]) : null,
      stage: row.stage,
      aliases,
      tags: Object.fromEntries(tags.map((tag) => [tag.key, tag.value])),
      createdBy: row.created_by,
      createdAt: new Date(row.created_at),
      lastUpdatedAt: new Date(row.last_updated_at),
    };
  }
}
