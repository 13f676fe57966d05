import { canonicalThreeLevelName } from "../catalog/three-level-name.js";
import { ModelSqlError } from "../errors.js";
import { checkAliasName } from "./alias-names.js";

/**
 * A model reference as MLflow spells it (mlflow/store/artifact/utils/models.py, _parse_model_uri):
 * `models:/<name>/<version>`, `models:/<name>@<alias>`, `models:/<name>/<stage>`,
 * `models:/<name>/latest`. The stage and `latest` suffixes match case-insensitively.
 * Two more name artifacts that no registered model version stands for, which only an MLflow
 * registry resolves: `runs:/<run id>/<path>` (a run's artifacts, or in MLflow 3 the model the run
 * logged under that name) and `models:/m-<id>` (an MLflow 3 logged model).
 */
export type RegisteredModelReference =
  | { readonly kind: "version"; readonly name: string; readonly version: number }
  | { readonly kind: "alias"; readonly name: string; readonly alias: string }
  | { readonly kind: "stage"; readonly name: string; readonly stage: string }
  | { readonly kind: "latest"; readonly name: string };

export type ArtifactReference =
  | { readonly kind: "run"; readonly runId: string; readonly path: string }
  | { readonly kind: "logged-model"; readonly modelId: string };

export type ModelReference = RegisteredModelReference | ArtifactReference;

const MODELS_SCHEME = "models:";
const RUNS_SCHEME = "runs:";
// MLflow 3 logged model IDs are "m-" and a hex UUID; registered model names hold no dash
// unquoted, so the two never collide in a three-level name.
const LOGGED_MODEL_ID = /^m-[0-9a-f]{32}$/;
const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isArtifactReference(reference: ModelReference): reference is ArtifactReference {
  return reference.kind === "run" || reference.kind === "logged-model";
}

function parseRunsUri(uri: string): ArtifactReference {
  const body = uri.slice(RUNS_SCHEME.length).replace(/^\/+/, "");
  const slash = body.indexOf("/");
  const runId = slash < 0 ? body : body.slice(0, slash);
  const artifactPath = slash < 0 ? "" : body.slice(slash + 1).replace(/\/+$/, "");
  const segments = artifactPath.split("/");
  if (
    !RUN_ID.test(runId) ||
    artifactPath === "" ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..") ||
    /[?#\\]/.test(artifactPath)
  ) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `Not a proper runs:/ URI: ${uri}. Runs URIs must be of the form 'runs:/<run id>/<path>', the path naming the model's artifacts inside the run`,
      { hint: "For example: runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/model." },
    );
  }
  return { kind: "run", runId, path: artifactPath };
}

function improper(uri: string): ModelSqlError {
  return new ModelSqlError(
    "INVALID_PARAMETER_VALUE",
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' where suffix is a version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.`,
  );
}

export function parseModelUri(uri: string): ModelReference {
  if (uri.startsWith(`${RUNS_SCHEME}/`)) return parseRunsUri(uri);
  if (!uri.startsWith(`${MODELS_SCHEME}/`)) throw improper(uri);
  const body = uri.slice(MODELS_SCHEME.length + 1);
  if (body === "" || body.includes("?") || body.includes("#")) throw improper(uri);
  const parts = body.split("/");
  if (parts.length > 2 || (parts[0] as string).trim() === "") throw improper(uri);
  if (parts.length === 2) {
    const [rawName, suffix] = parts as [string, string];
    if (suffix.trim() === "" || rawName.includes("@")) throw improper(uri);
    const name = canonicalThreeLevelName(rawName, "model");
    if (/^\d+$/.test(suffix)) return { kind: "version", name, version: Number(suffix) };
    if (suffix.toLowerCase() === "latest") return { kind: "latest", name };
    return { kind: "stage", name, stage: suffix };
  }
  const at = body.lastIndexOf("@");
  if (at < 0 && LOGGED_MODEL_ID.test(body)) return { kind: "logged-model", modelId: body };
  if (at < 0) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `'${uri}' names no version, alias or stage, and is not a logged model ID (m- and 32 hex digits).`,
      { hint: `Use models:/${body}/<version>, models:/${body}@<alias> or models:/${body}/latest.` },
    );
  }
  const alias = body.slice(at + 1);
  if (alias.trim() === "") throw improper(uri);
  checkAliasName(alias);
  return { kind: "alias", name: canonicalThreeLevelName(body.slice(0, at), "model"), alias };
}

export function formatModelReference(reference: ModelReference): string {
  switch (reference.kind) {
    case "version":
      return `models:/${reference.name}/${reference.version}`;
    case "alias":
      return `models:/${reference.name}@${reference.alias}`;
    case "stage":
      return `models:/${reference.name}/${reference.stage}`;
    case "latest":
      return `models:/${reference.name}/latest`;
    case "run":
      return `runs:/${reference.runId}/${reference.path}`;
    case "logged-model":
      return `models:/${reference.modelId}`;
  }
}
