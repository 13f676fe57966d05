import { existsSync, mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import { MetadataStore } from "./catalog/metadata-store.js";
import { type WorkspacePaths, workspacePaths } from "./catalog/workspace-location.js";
import { WorkspaceSettings } from "./catalog/workspace-settings.js";
import { DeploymentStore } from "./engines/databricks/deployment-store.js";
import { ModelSqlError } from "./errors.js";
import { FunctionCatalog } from "./functions/function-catalog.js";
import { ApiTokenStore } from "./governance/api-token-store.js";
import { Authorizer } from "./governance/authorization.js";
import { GrantStore } from "./governance/grant-store.js";
import { PrincipalStore } from "./governance/principal-store.js";
import { DriftBaselines } from "./monitoring/drift-baselines.js";
import { InferenceLog } from "./monitoring/inference-log.js";
import { ArtifactStore } from "./registry/artifact-store.js";
import { CompiledRouteStore } from "./registry/compiled-route-store.js";
import { LocalModelRegistry } from "./registry/local-model-registry.js";
import { MlflowModelRegistry } from "./registry/mlflow/mlflow-model-registry.js";
import { MlflowRestClient } from "./registry/mlflow/mlflow-rest-client.js";
import type { ModelRegistry } from "./registry/model-registry.js";

/**
 * An open workspace: the composition root that builds the metadata store and the registry.
 * Nothing is built at import time, so each test opens its own workspace in its own directory.
 */
export interface Workspace {
  readonly paths: WorkspacePaths;
  /** The principal that owns the workspace and everything in it unless granted otherwise. */
  readonly owner: string;
  readonly registry: ModelRegistry;
  readonly functions: FunctionCatalog;
  readonly settings: WorkspaceSettings;
  readonly principals: PrincipalStore;
  readonly grants: GrantStore;
  readonly authorizer: Authorizer;
  readonly deployments: DeploymentStore;
  /** Bearer tokens for HTTP clients, each acting as a principal. */
  readonly tokens: ApiTokenStore;
  /** Parity checks and timings of models compiled to SQL, per artifact. */
  readonly compiledRoutes: CompiledRouteStore;
  /** What every statement and invocation scored, with which version (system.serving tables). */
  readonly inferenceLog: InferenceLog;
  /** Each function's inputs in its training data, for drift. */
  readonly driftBaselines: DriftBaselines;
  close(): void;
}

function defaultOwner(): string {
  try {
    return userInfo().username || "owner";
  } catch {
    return "owner";
  }
}

/**
 * Creates the workspace if it does not exist; an existing one is left as it is.
 * Returns whether it was created.
 */
export function initWorkspace(
  directory: string,
  options: { owner?: string; registry?: string; registryCacheSeconds?: number } = {},
): { created: boolean } {
  const paths = workspacePaths(directory);
  const existed = existsSync(paths.metadataDatabase);
  mkdirSync(paths.artifacts, { recursive: true });
  mkdirSync(paths.staging, { recursive: true });
  mkdirSync(paths.data, { recursive: true });
  const store = MetadataStore.open(paths.metadataDatabase, { create: true });
  try {
    store.writeTransaction(() => {
      store.run(
        "INSERT OR IGNORE INTO workspace_settings (key, value) VALUES ('owner', ?)",
        options.owner ?? defaultOwner(),
      );
      store.run(
        "INSERT OR IGNORE INTO workspace_settings (key, value) VALUES ('created_at', ?)",
        new Date().toISOString(),
      );
      // The owner is a user principal, the metastore admin of this workspace.
      store.run(
        "INSERT OR IGNORE INTO principals (name, kind, created_at) SELECT value, 'user', ? FROM workspace_settings WHERE key = 'owner'",
        Date.now(),
      );
      if (options.registry) {
        store.run(
          "INSERT OR IGNORE INTO workspace_settings (key, value) VALUES ('mlflow_registry', ?)",
          mlflowServerUrl(options.registry),
        );
      }
      if (options.registryCacheSeconds !== undefined) {
        store.run(
          "INSERT OR IGNORE INTO workspace_settings (key, value) VALUES ('registry_cache_seconds', ?)",
          String(checkedCacheSeconds(options.registryCacheSeconds)),
        );
      }
    });
  } finally {
    store.close();
  }
  return { created: !existed };
}

/** An MLflow tracking server's URL as the workspace keeps it; anything but http(s) is refused. */
function mlflowServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `--registry '${text}' is not an http(s) URL of an MLflow server`,
      {
        hint: "For example: modelsql init --registry http://127.0.0.1:5000",
      },
    );
  }
  return url.toString().replace(/\/+$/, "");
}

/** How long answers from an MLflow registry are trusted unless the workspace says otherwise. */
export const DEFAULT_REGISTRY_CACHE_SECONDS = 5;

/** A cache time as the workspace keeps it: whole or fractional seconds, 0 to 3600. */
export function checkedCacheSeconds(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `A registry cache time of ${seconds} seconds is out of range: give 0 (ask MLflow on every statement) to 3600`,
    );
  }
  return seconds;
}

/**
 * The workspace's own registry, or the MLflow tracking server it was pointed at (`init
 * --registry`). Answers about aliases and stages are trusted for `registry_cache_seconds`
 * (default 5), so an alias moved in MLflow takes effect within that time, and on the next
 * statement of any new process. Credentials come from MLflow's own variables: MLFLOW_TRACKING_TOKEN, or
 * MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.
 */
function registryOf(store: MetadataStore, artifacts: ArtifactStore): ModelRegistry {
  const server = store.get<{ value: string }>(
    "SELECT value FROM workspace_settings WHERE key = 'mlflow_registry'",
  )?.value;
  if (!server) return new LocalModelRegistry(store, artifacts);
  const environment = process.env;
  const client = new MlflowRestClient({
    url: server,
    ...(environment.MLFLOW_TRACKING_TOKEN ? { token: environment.MLFLOW_TRACKING_TOKEN } : {}),
    ...(environment.MLFLOW_TRACKING_USERNAME
      ? {
          username: environment.MLFLOW_TRACKING_USERNAME,
          password: environment.MLFLOW_TRACKING_PASSWORD ?? "",
        }
      : {}),
  });
  const cacheSeconds = Number(
    store.get<{ value: string }>("SELECT value FROM workspace_settings WHERE key = 'registry_cache_seconds'")
      ?.value ?? DEFAULT_REGISTRY_CACHE_SECONDS,
  );
  return new MlflowModelRegistry(client, server, store, artifacts, cacheSeconds * 1000);
}

export function openWorkspace(directory: string): Workspace {
  const paths = workspacePaths(directory);
  if (!existsSync(paths.metadataDatabase)) {
    throw new ModelSqlError("WORKSPACE_NOT_FOUND", `There is no modelsql workspace at '${directory}'.`, {
      hint: "Create one with `modelsql init`, or point to one with --workspace DIR or MODELSQL_WORKSPACE.",
    });
  }
  const store = MetadataStore.open(paths.metadataDatabase, { create: false });
  const owner = store.get<{ value: string }>(
    "SELECT value FROM workspace_settings WHERE key = 'owner'",
  )?.value;
  const artifacts = new ArtifactStore(paths.artifacts, paths.staging);
  mkdirSync(paths.data, { recursive: true });
  const resolvedOwner = owner ?? defaultOwner();
  const principals = new PrincipalStore(store);
  const grants = new GrantStore(store);
  return {
    paths,
    owner: resolvedOwner,
    registry: registryOf(store, artifacts),
    functions: new FunctionCatalog(store),
    settings: new WorkspaceSettings(store),
    principals,
    grants,
    authorizer: new Authorizer(principals, grants, resolvedOwner),
    deployments: new DeploymentStore(store),
    compiledRoutes: new CompiledRouteStore(store),
    inferenceLog: new InferenceLog(store),
    driftBaselines: new DriftBaselines(store),
    tokens: new ApiTokenStore(store, principals),
    close: () => store.close(),
  };
}
