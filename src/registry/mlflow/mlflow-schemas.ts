import { z } from "zod";

/**
 * The MLflow REST API 2.0 messages the registry bridge reads (mlflow/protos/model_registry.proto).
 * Objects are not strict: a server newer than these schemas may add fields, which are dropped.
 * int64 fields arrive as JSON strings or numbers depending on the server; both are accepted.
 */
const int64 = z.union([z.string(), z.number()]).transform((value) => Number(value));

export const modelVersionSchema = z.object({
  name: z.string(),
  version: int64,
  creation_timestamp: int64.optional(),
  last_updated_timestamp: int64.optional(),
  current_stage: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.string().optional(),
  aliases: z.array(z.string()).optional(),
  tags: z.array(z.object({ key: z.string(), value: z.string().optional() })).optional(),
});

export const registeredModelSchema = z.object({
  name: z.string(),
  creation_timestamp: int64.optional(),
  last_updated_timestamp: int64.optional(),
  description: z.string().optional(),
  latest_versions: z.array(modelVersionSchema).optional(),
  aliases: z.array(z.object({ alias: z.string(), version: int64 })).optional(),
  tags: z.array(z.object({ key: z.string(), value: z.string().optional() })).optional(),
});

/** GET /api/2.0/mlflow-artifacts/artifacts?path=...: a directory's entries. */
export const artifactListSchema = z.object({
  files: z
    .array(z.object({ path: z.string(), is_dir: z.boolean().optional(), file_size: int64.optional() }))
    .optional(),
});

/** GET /api/2.0/mlflow/runs/get: the parts of a run that tell where a model came from. */
export const runSchema = z.object({
  info: z.object({
    run_id: z.string(),
    run_name: z.string().optional(),
    experiment_id: z.string().optional(),
    status: z.string().optional(),
    start_time: int64.optional(),
    artifact_uri: z.string().optional(),
  }),
  data: z
    .object({
      params: z.array(z.object({ key: z.string(), value: z.string().optional() })).optional(),
      metrics: z.array(z.object({ key: z.string(), value: z.number().nullable().optional() })).optional(),
    })
    .optional(),
});

export type MlflowRun = z.infer<typeof runSchema>;

/** GET /api/2.0/mlflow/logged-models/{id}: an MLflow 3 logged model (`models:/m-...`). */
export const loggedModelSchema = z.object({
  info: z.object({
    model_id: z.string(),
    experiment_id: z.string().optional(),
    name: z.string().optional(),
    artifact_uri: z.string(),
    status: z.string().optional(),
    source_run_id: z.string().optional(),
    creation_timestamp_ms: int64.optional(),
    last_updated_timestamp_ms: int64.optional(),
  }),
});

export type MlflowLoggedModel = z.infer<typeof loggedModelSchema>;

export const mlflowErrorSchema = z.object({ error_code: z.string(), message: z.string().optional() });

export type MlflowModelVersion = z.infer<typeof modelVersionSchema>;
export type MlflowRegisteredModel = z.infer<typeof registeredModelSchema>;
