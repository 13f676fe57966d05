/**
 * The metadata schema, one migration per entry; a store at `user_version` N runs entries N.. .
 * Append only: a released migration never changes.
 */
export const METADATA_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE workspace_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE registered_models (
    name            TEXT PRIMARY KEY,
    description     TEXT,
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    last_updated_at INTEGER NOT NULL
  );

  CREATE TABLE model_versions (
    model_name      TEXT NOT NULL REFERENCES registered_models (name),
    version         INTEGER NOT NULL,
    description     TEXT,
    source          TEXT NOT NULL,
    run_id          TEXT,
    artifact_hash   TEXT NOT NULL,
    onnx_file       TEXT NOT NULL,
    interface_json  TEXT NOT NULL,
    signature_json  TEXT,
    stage           TEXT NOT NULL DEFAULT 'None',
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    last_updated_at INTEGER NOT NULL,
    PRIMARY KEY (model_name, version)
  );

  CREATE TABLE model_version_tags (
    model_name TEXT NOT NULL,
    version    INTEGER NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (model_name, version, key),
    FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
  );

  CREATE TABLE model_aliases (
    model_name TEXT NOT NULL REFERENCES registered_models (name),
    alias      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (model_name, alias),
    FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
  );
  `,
  `
  CREATE TABLE functions (
    name            TEXT PRIMARY KEY,
    definition_json TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    last_updated_at INTEGER NOT NULL
  );
  `,
  `
  CREATE TABLE principals (
    name       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('user', 'group')),
    created_at INTEGER NOT NULL
  );

  CREATE TABLE group_members (
    group_name TEXT NOT NULL REFERENCES principals (name),
    member     TEXT NOT NULL REFERENCES principals (name),
    PRIMARY KEY (group_name, member)
  );

  CREATE TABLE grants (
    securable_type TEXT NOT NULL,
    securable      TEXT NOT NULL,
    principal      TEXT NOT NULL REFERENCES principals (name),
    privilege      TEXT NOT NULL,
    granted_by     TEXT NOT NULL,
    granted_at     INTEGER NOT NULL,
    PRIMARY KEY (securable_type, securable, principal, privilege)
  );

  CREATE TABLE owners (
    securable_type TEXT NOT NULL,
    securable      TEXT NOT NULL,
    owner          TEXT NOT NULL REFERENCES principals (name),
    PRIMARY KEY (securable_type, securable)
  );

  INSERT INTO principals (name, kind, created_at)
    SELECT value, 'user', 0 FROM workspace_settings WHERE key = 'owner';
  `,
  // 4: what `modelsql deploy --target databricks` last set each function's endpoint to serve.
  `
  CREATE TABLE databricks_deployments (
    function_name TEXT PRIMARY KEY,
    endpoint      TEXT NOT NULL,
    model_name    TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    deployed_by   TEXT NOT NULL,
    deployed_at   INTEGER NOT NULL
  );
  `,
  // 5: whether each model version's compiled SQL equals ONNX Runtime, and how fast each route was.
  `
  CREATE TABLE compiled_route_checks (
    artifact_hash         TEXT NOT NULL,
    onnx_file             TEXT NOT NULL,
    compiler_version      INTEGER NOT NULL,
    outcome               TEXT NOT NULL,
    reason                TEXT NOT NULL,
    sample_rows           INTEGER NOT NULL,
    largest_difference    REAL,
    mismatched_values     INTEGER NOT NULL,
    measured_rows         INTEGER NOT NULL,
    sql_rows_per_second   REAL,
    onnx_rows_per_second  REAL,
    checked_at            INTEGER NOT NULL,
    PRIMARY KEY (artifact_hash, onnx_file, compiler_version)
  );
  `,
  // 6: bearer tokens for HTTP clients, each acting as one principal; only a hash is kept.
  `
  CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    principal    TEXT NOT NULL REFERENCES principals (name),
    token_sha256 TEXT NOT NULL UNIQUE,
    name         TEXT,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER
  );
  `,
  // 7: MLflow model versions already fetched into the artifact store (versions are immutable).
  `
  CREATE TABLE mlflow_fetched_versions (
    server         TEXT NOT NULL,
    model_name     TEXT NOT NULL,
    version        INTEGER NOT NULL,
    artifact_hash  TEXT NOT NULL,
    onnx_file      TEXT NOT NULL,
    interface_json TEXT NOT NULL,
    signature_json TEXT,
    fetched_at     INTEGER NOT NULL,
    PRIMARY KEY (server, model_name, version)
  );
  `,
  // 8: the inference log: one row per prediction function a statement or invocation called, and
  // a sample of the rows it scored (inputs and prediction as JSON).
  `
  CREATE TABLE inference_log (
    id             INTEGER PRIMARY KEY,
    statement_id   TEXT NOT NULL,
    recorded_at    INTEGER NOT NULL,
    principal      TEXT NOT NULL,
    source         TEXT NOT NULL,
    function_name  TEXT NOT NULL,
    model_name     TEXT NOT NULL,
    model_version  INTEGER,
    model_uri      TEXT NOT NULL,
    registry       TEXT NOT NULL,
    route          TEXT,
    rows_scored    INTEGER NOT NULL,
    latency_ms     REAL NOT NULL,
    status         TEXT NOT NULL,
    error_class    TEXT
  );
  CREATE INDEX inference_log_by_function ON inference_log (function_name, recorded_at);
  CREATE TABLE inference_samples (
    log_id      INTEGER NOT NULL REFERENCES inference_log (id) ON DELETE CASCADE,
    sample      INTEGER NOT NULL,
    inputs      TEXT NOT NULL,
    prediction  TEXT NOT NULL,
    PRIMARY KEY (log_id, sample)
  );
  `,
  // 9: each prediction function's drift baseline: its features' bins and counts over a reference
  // query (the training data), against which what it scores is compared.
  `
  CREATE TABLE drift_baselines (
    function_name   TEXT PRIMARY KEY,
    reference_query TEXT NOT NULL,
    row_count       INTEGER NOT NULL,
    features_json   TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    created_by      TEXT NOT NULL
  );
  `,
];
