import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse as parseIni } from "ini";
import { describeCause, ModelSqlError } from "../../errors.js";

/** Where a SQL warehouse is and how to authenticate to it. */
export interface DatabricksConnectionSettings {
  /** Host name without scheme: `dbc-1234.cloud.databricks.com`. */
  readonly host: string;
  readonly port: number;
  /** The warehouse's HTTP path: `/sql/1.0/warehouses/abc123`. */
  readonly httpPath: string;
  readonly token: string;
  /** Where the settings came from, for messages. */
  readonly source: string;
}

const HINT =
  "Set DATABRICKS_HOST, DATABRICKS_HTTP_PATH and DATABRICKS_TOKEN, or pass --profile NAME for a section of ~/.databrickscfg with host, token and http_path (or warehouse_id).";

function hostAndPort(value: string): { host: string; port: number } {
  const url = new URL(/^[a-z]+:\/\//i.test(value) ? value : `https://${value}`);
  if (url.protocol !== "https:") {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `The Databricks host '${value}' is not HTTPS`, {
      hint: "The Databricks SQL driver connects over HTTPS only.",
    });
  }
  return { host: url.hostname, port: url.port ? Number(url.port) : 443 };
}

/**
 * Reads the connection from a profile of the Databricks configuration file (the file the
 * Databricks CLI and SDKs share; DATABRICKS_CONFIG_FILE moves it), or from the environment
 * variables the Databricks tools use. A profile is used only when named; the token never
 * appears in messages.
 */
export function databricksConnectionSettings(
  options: { profile?: string },
  environment: NodeJS.ProcessEnv = process.env,
): DatabricksConnectionSettings {
  if (options.profile) {
    const file = environment.DATABRICKS_CONFIG_FILE ?? join(homedir(), ".databrickscfg");
    let sections: Record<string, unknown>;
    try {
      sections = parseIni(readFileSync(file, "utf8"));
    } catch (error) {
      throw new ModelSqlError(
        "INVALID_PARAMETER_VALUE",
        `Cannot read the Databricks configuration ${file}: ${describeCause(error)}`,
        {
          hint: HINT,
        },
      );
    }
    const section = sections[options.profile] as Record<string, string> | undefined;
    if (!section) {
      throw new ModelSqlError("INVALID_PARAMETER_VALUE", `${file} has no profile [${options.profile}]`, {
        hint: `Profiles there: ${Object.keys(sections).join(", ") || "none"}.`,
      });
    }
    const httpPath =
      section.http_path ?? (section.warehouse_id ? `/sql/1.0/warehouses/${section.warehouse_id}` : undefined);
    if (!section.host || !section.token || !httpPath) {
      throw new ModelSqlError(
        "INVALID_PARAMETER_VALUE",
        `Profile [${options.profile}] in ${file} needs host, token and http_path (or warehouse_id)`,
        { hint: HINT },
      );
    }
    return {
      ...hostAndPort(section.host),
      httpPath,
      token: section.token,
      source: `profile ${options.profile}`,
    };
  }
  const missing = ["DATABRICKS_HOST", "DATABRICKS_HTTP_PATH", "DATABRICKS_TOKEN"].filter(
    (name) => !environment[name],
  );
  if (missing.length > 0) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `No Databricks connection: ${missing.join(", ")} not set`,
      {
        hint: HINT,
      },
    );
  }
  return {
    ...hostAndPort(environment.DATABRICKS_HOST as string),
    httpPath: environment.DATABRICKS_HTTP_PATH as string,
    token: environment.DATABRICKS_TOKEN as string,
    source: "environment",
  };
}
