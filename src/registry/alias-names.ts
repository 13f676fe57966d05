import { ModelSqlError } from "../errors.js";

/** MLflow's rules for alias names (mlflow/utils/validation.py), verified against MLflow 3.5. */
const ALIAS_CHARACTERS = /^[\w-]+$/;
const VERSION_LIKE_ALIAS = /^[vV]\d+$/;
const MAX_ALIAS_LENGTH = 255;
export const LATEST_ALIAS = "latest";

/** Checks an alias as any alias reference must be: present, of allowed characters, not too long. */
export function checkAliasName(alias: string): void {
  if (alias === "") {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", "Registered model alias name cannot be empty.");
  }
  if (!ALIAS_CHARACTERS.test(alias)) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.length > MAX_ALIAS_LENGTH) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `Alias name '${alias.slice(0, 20)}...' is ${alias.length} characters long; the limit is ${MAX_ALIAS_LENGTH}.`,
    );
  }
}

/** Checks an alias about to be set: also not `latest` (any case) nor a version-like `v<digits>`. */
export function checkAliasNameToSet(alias: string): void {
  checkAliasName(alias);
  if (alias.toLowerCase() === LATEST_ALIAS) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      "'latest' alias name (case insensitive) is reserved.",
      {
        hint: "models:/<name>@latest always means the newest version; choose another alias name.",
      },
    );
  }
  if (VERSION_LIKE_ALIAS.test(alias)) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `Version alias name '${alias}' is reserved.`, {
      hint: "Names like v3 would be mistaken for version numbers; choose another alias name.",
    });
  }
}
