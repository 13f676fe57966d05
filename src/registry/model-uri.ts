import { canonicalThreeLevelName } from "../catalog/three-level-name.js";
import { ModelSqlError } from "../errors.js";
import { checkAliasName } from "./alias-names.js";

/**
 * A model reference as MLflow spells it (mlflow/store/artifact/utils/models.py, _parse_model_uri):
 * `models:/<name>/<version>`, `models:/<name>@<alias>`, `models:/<name>/<stage>`,
 * `models:/<name>/latest`. The stage and `latest` suffixes match case-insensitively.
 */
export type ModelReference =
  | { readonly kind: "version"; readonly name: string; readonly version: number }
  | { readonly kind: "alias"; readonly name: string; readonly alias: string }
  | { readonly kind: "stage"; readonly name: string; readonly stage: string }
  | { readonly kind: "latest"; readonly name: string };

const MODELS_SCHEME = "models:";

function improper(uri: string): ModelSqlError {
  return new ModelSqlError(
    "INVALID_PARAMETER_VALUE",
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' where suffix is a version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.`,
  );
}

export function parseModelUri(uri: string): ModelReference {
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
  if (at < 0) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `'${uri}' names no version, alias or stage. MLflow reads models:/<id> as a logged model ID, which the local registry does not have.`,
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
  }
}
