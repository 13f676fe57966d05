import { z } from "zod";
import { describeCause, type ErrorClass, ModelSqlError } from "../../errors.js";
import {
  artifactListSchema,
  loggedModelSchema,
  type MlflowLoggedModel,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
  type MlflowRun,
  mlflowErrorSchema,
  modelVersionSchema,
  registeredModelSchema,
  runSchema,
} from "./mlflow-schemas.js";

/** How to reach an MLflow tracking server: its URL, and a token or basic credentials if it needs them. */
export interface MlflowServer {
  readonly url: string;
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
}

/** What a missing resource is, for RESOURCE_DOES_NOT_EXIST: a model or a version. */
type Missing = "MODEL_NOT_FOUND" | "MODEL_VERSION_NOT_FOUND";

/** MLflow's error codes (databricks_pb2.ErrorCode) as the project's error classes. */
function errorClassOf(code: string, status: number, missing: Missing): ErrorClass {
  switch (code) {
    case "RESOURCE_DOES_NOT_EXIST":
    case "NOT_FOUND":
      return missing;
    case "INVALID_PARAMETER_VALUE":
    case "BAD_REQUEST":
    case "RESOURCE_ALREADY_EXISTS":
      return "INVALID_PARAMETER_VALUE";
    case "PERMISSION_DENIED":
      return "INSUFFICIENT_PERMISSIONS";
    case "UNAUTHENTICATED":
      return "UNAUTHENTICATED";
    default:
      return status === 401
        ? "UNAUTHENTICATED"
        : status === 403
          ? "INSUFFICIENT_PERMISSIONS"
          : "INTERNAL_ERROR";
  }
}

/**
 * A typed client for the MLflow registry endpoints the bridge needs (REST API 2.0), with every
 * response validated and every failure an error of the project's classes naming the server.
 */
export class MlflowRestClient {
  private readonly base: string;

  constructor(
    private readonly server: MlflowServer,
    private readonly timeoutMs = 30_000,
  ) {
    this.base = server.url.replace(/\/+$/, "");
  }

  private headers(): Record<string, string> {
    if (this.server.token) return { authorization: `Bearer ${this.server.token}` };
    if (this.server.username !== undefined) {
      const basic = Buffer.from(`${this.server.username}:${this.server.password ?? ""}`).toString("base64");
      return { authorization: `Basic ${basic}` };
    }
    return {};
  }

  /** One request; the response body as bytes, or an error of the project's classes. */
  private async request(
    path: string,
    init: { method?: string; body?: unknown; missing: Missing },
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method: init.method ?? "GET",
        headers: {
          ...this.headers(),
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ModelSqlError(
        "CONNECTION_FAILED",
        `Cannot reach the MLflow server at ${this.base}: ${describeCause(error)}`,
        {
          hint: "Check the registry URL (modelsql init --registry) and that the server is running.",
          cause: error,
        },
      );
    }
    if (response.ok) return response;
    const text = await response.text();
    let parsed: z.infer<typeof mlflowErrorSchema> | undefined;
    try {
      const result = mlflowErrorSchema.safeParse(JSON.parse(text));
      parsed = result.success ? result.data : undefined;
    } catch {
      parsed = undefined;
    }
    const code = parsed?.error_code ?? `HTTP ${response.status}`;
    throw new ModelSqlError(
      errorClassOf(parsed?.error_code ?? "", response.status, init.missing),
      `MLflow at ${this.base}: ${code}: ${parsed?.message ?? (text.slice(0, 200) || response.statusText)}`,
    );
  }

  private async json<T>(
    path: string,
    schema: z.ZodType<T>,
    init: { method?: string; body?: unknown; missing: Missing },
  ): Promise<T> {
    const response = await this.request(path, init);
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new ModelSqlError(
        "INTERNAL_ERROR",
        `MLflow at ${this.base} answered ${path} with a body that is not JSON`,
        { cause: error },
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ModelSqlError(
        "INTERNAL_ERROR",
        `MLflow at ${this.base} answered ${path} with an unexpected shape: ${issue?.path.join(".") || "the body"} ${issue?.message ?? ""}`.trim(),
      );
    }
    return parsed.data;
  }

  async getRegisteredModel(name: string): Promise<MlflowRegisteredModel> {
    const query = new URLSearchParams({ name });
    const body = await this.json(
      `/api/2.0/mlflow/registered-models/get?${query}`,
      z.object({ registered_model: registeredModelSchema }),
      {
        missing: "MODEL_NOT_FOUND",
      },
    );
    return body.registered_model;
  }

  async getModelVersion(name: string, version: number): Promise<MlflowModelVersion> {
    const query = new URLSearchParams({ name, version: String(version) });
    const body = await this.json(
      `/api/2.0/mlflow/model-versions/get?${query}`,
      z.object({ model_version: modelVersionSchema }),
      {
        missing: "MODEL_VERSION_NOT_FOUND",
      },
    );
    return body.model_version;
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion> {
    const query = new URLSearchParams({ name, alias });
    try {
      const body = await this.json(
        `/api/2.0/mlflow/registered-models/alias?${query}`,
        z.object({ model_version: modelVersionSchema }),
        { missing: "MODEL_VERSION_NOT_FOUND" },
      );
      return body.model_version;
    } catch (error) {
      // MLflow 3.5 answers an alias that is not set with INVALID_PARAMETER_VALUE ("Registered
      // model alias champion not found."); for modelsql that is a version not found.
      if (
        error instanceof ModelSqlError &&
        error.errorClass === "INVALID_PARAMETER_VALUE" &&
        /alias .* not found/i.test(error.message)
      ) {
        throw new ModelSqlError(
          "MODEL_VERSION_NOT_FOUND",
          error.message.replace(/^\[[A-Z_]+\] /, "").replace(/ SQLSTATE: \w+$/, ""),
          {
            hint: `Set the alias in MLflow (MlflowClient.set_registered_model_alias("${name}", "${alias}", <version>)).`,
          },
        );
      }
      throw error;
    }
  }

  /** Every version of a model, following the search's pages. */
  async listVersions(name: string): Promise<MlflowModelVersion[]> {
    const versions = await this.allPages(
      "/api/2.0/mlflow/model-versions/search",
      "model_versions",
      modelVersionSchema,
      {
        filter: `name='${name.replaceAll("'", "\\'")}'`,
      },
    );
    return versions.sort((a, b) => a.version - b.version);
  }

  /** Every item of a search endpoint, following its next_page_token. */
  private async allPages<T>(
    path: string,
    field: string,
    item: z.ZodType<T>,
    parameters: Record<string, string> = {},
  ): Promise<T[]> {
    const items: T[] = [];
    const page = z.object({ [field]: z.array(item).optional(), next_page_token: z.string().optional() });
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({
        ...parameters,
        max_results: "200",
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      const body = (await this.json(`${path}?${query}`, page, { missing: "MODEL_NOT_FOUND" })) as Record<
        string,
        unknown
      >;
      items.push(...((body[field] as T[] | undefined) ?? []));
      pageToken = (body.next_page_token as string | undefined) || undefined;
    } while (pageToken);
    return items;
  }

  /** A tracking run: its name, experiment, parameters and latest metrics. */
  async getRun(runId: string): Promise<MlflowRun> {
    const query = new URLSearchParams({ run_id: runId });
    const body = await this.json(`/api/2.0/mlflow/runs/get?${query}`, z.object({ run: runSchema }), {
      missing: "MODEL_VERSION_NOT_FOUND",
    });
    return body.run;
  }

  /** Every registered model, following the search's pages. */
  async listRegisteredModels(): Promise<MlflowRegisteredModel[]> {
    return this.allPages(
      "/api/2.0/mlflow/registered-models/search",
      "registered_models",
      registeredModelSchema,
    );
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    await this.request("/api/2.0/mlflow/registered-models/alias", {
      method: "POST",
      body: { name, alias, version: String(version) },
      missing: "MODEL_VERSION_NOT_FOUND",
    });
  }

  /** MLflow's own client sends DELETE parameters as a JSON body; 3.5.1 ignores a query string. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.request("/api/2.0/mlflow/registered-models/alias", {
      method: "DELETE",
      body: { name, alias },
      missing: "MODEL_VERSION_NOT_FOUND",
    });
  }

  async transitionStage(
    name: string,
    version: number,
    stage: string,
    archiveExisting: boolean,
  ): Promise<MlflowModelVersion> {
    const body = await this.json(
      "/api/2.0/mlflow/model-versions/transition-stage",
      z.object({ model_version: modelVersionSchema }),
      {
        method: "POST",
        body: { name, version: String(version), stage, archive_existing_versions: archiveExisting },
        missing: "MODEL_VERSION_NOT_FOUND",
      },
    );
    return body.model_version;
  }

  /** Where a version's files are: an mlflow-artifacts:, runs:, s3:, file: ... URI. */
  async getDownloadUri(name: string, version: number): Promise<string> {
    const query = new URLSearchParams({ name, version: String(version) });
    const body = await this.json(
      `/api/2.0/mlflow/model-versions/get-download-uri?${query}`,
      z.object({ artifact_uri: z.string() }),
      {
        missing: "MODEL_VERSION_NOT_FOUND",
      },
    );
    return body.artifact_uri;
  }

  /** The files directly under an artifact directory served by the server (`--serve-artifacts`). */
  async listArtifacts(path: string): Promise<{ path: string; isDir: boolean; size?: number }[]> {
    const query = new URLSearchParams({ path });
    const body = await this.json(`/api/2.0/mlflow-artifacts/artifacts?${query}`, artifactListSchema, {
      missing: "MODEL_VERSION_NOT_FOUND",
    });
    return (body.files ?? []).map((file) => ({
      path: file.path,
      isDir: file.is_dir ?? false,
      ...(file.file_size === undefined ? {} : { size: file.file_size }),
    }));
  }

  /** An MLflow 3 logged model (`models:/m-...`): where its files are and the run that logged it. */
  async getLoggedModel(modelId: string): Promise<MlflowLoggedModel> {
    const body = await this.json(
      `/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}`,
      z.object({ model: loggedModelSchema }),
      { missing: "MODEL_VERSION_NOT_FOUND" },
    );
    return body.model;
  }

  /**
   * The model a run logged under a name (MLflow 3 keeps `log_model(name=...)` outside the run's
   * artifacts, as a logged model whose source_run_id is the run), or undefined.
   */
  async findLoggedModel(
    experimentId: string,
    runId: string,
    name: string,
  ): Promise<MlflowLoggedModel | undefined> {
    const quote = (text: string) => `'${text.replaceAll("'", "\\'")}'`;
    const page = z.object({
      models: z.array(loggedModelSchema).optional(),
      next_page_token: z.string().optional(),
    });
    let pageToken: string | undefined;
    do {
      const body = await this.json("/api/2.0/mlflow/logged-models/search", page, {
        method: "POST",
        body: {
          experiment_ids: [experimentId],
          filter: `name = ${quote(name)} AND source_run_id = ${quote(runId)}`,
          ...(pageToken ? { page_token: pageToken } : {}),
        },
        missing: "MODEL_VERSION_NOT_FOUND",
      });
      const found = (body.models ?? []).find((model) => model.info.source_run_id === runId);
      if (found) return found;
      pageToken = body.next_page_token || undefined;
    } while (pageToken);
    return undefined;
  }

  /** One artifact file's bytes. */
  async downloadArtifact(path: string): Promise<Uint8Array> {
    const encoded = path.split("/").map(encodeURIComponent).join("/");
    const response = await this.request(`/api/2.0/mlflow-artifacts/artifacts/${encoded}`, {
      missing: "MODEL_VERSION_NOT_FOUND",
    });
    return new Uint8Array(await response.arrayBuffer());
  }
}
