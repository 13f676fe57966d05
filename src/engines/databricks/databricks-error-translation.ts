import { ERROR_CLASSES, type ErrorClass, ModelSqlError } from "../../errors.js";

/** The fields of the driver's errors this module reads (its OperationStateError and friends). */
interface DriverError {
  readonly name?: string;
  readonly message?: string;
  readonly errorCode?: string;
  readonly code?: string;
  /** Thrift's THTTPException: the HTTP status of a refused request (the body is dropped). */
  readonly statusCode?: number;
  readonly response?: {
    errorMessage?: string | null;
    displayMessage?: string | null;
    sqlState?: string | null;
  };
}

function isKnownClass(name: string): name is ErrorClass {
  return Object.hasOwn(ERROR_CLASSES, name);
}

/**
 * Maps what @databricks/sql throws to modelsql's error classes. Databricks renders a failed
 * statement as `[CLASS] message SQLSTATE: xxxxx` (as modelsql does); a class modelsql knows
 * keeps its name, any other becomes SQL_EXECUTION_ERROR with Databricks' text. Authentication
 * and connection failures get classes of their own, with the warehouse named.
 */
export function translateDatabricksError(
  thrown: unknown,
  context: { host: string; sql?: string },
): ModelSqlError {
  if (thrown instanceof ModelSqlError) return thrown;
  const error = (
    typeof thrown === "object" && thrown !== null ? thrown : { message: String(thrown) }
  ) as DriverError;
  const text =
    error.response?.displayMessage || error.response?.errorMessage || error.message || String(thrown);
  if (error.errorCode === "CANCELED") {
    return new ModelSqlError("OPERATION_CANCELLED", "The statement was cancelled on Databricks");
  }
  if (error.errorCode === "TIMEOUT") {
    return new ModelSqlError("OPERATION_CANCELLED", "The statement timed out on Databricks");
  }
  const refused = error.statusCode === 401 || error.statusCode === 403;
  const classed = /^\s*\[([A-Z][A-Z0-9_.]*)\]\s*([\s\S]*?)(?:\s*SQLSTATE:\s*\w+)?\s*$/.exec(
    text.split("\n")[0] ?? "",
  );
  if (classed) {
    const name = (classed[1] as string).split(".")[0] as string;
    const detail = `${classed[2] ?? ""}`.trim() || text;
    if (name === "PERMISSION_DENIED" || name === "INSUFFICIENT_PERMISSIONS") {
      return new ModelSqlError("INSUFFICIENT_PERMISSIONS", `Databricks: ${detail}`, {
        hint: "Ask the owner in Databricks for the privilege (modelsql deploy writes the workspace's grants there).",
        cause: thrown,
      });
    }
    if (name === "INVALID_TOKEN" || name === "UNAUTHENTICATED") {
      return new ModelSqlError(
        "UNAUTHENTICATED",
        `Databricks at ${context.host} refused the credentials: ${detail}`,
        {
          hint: "Check DATABRICKS_TOKEN (or the profile's token) and that it has not expired.",
          cause: thrown,
        },
      );
    }
    if (isKnownClass(name)) return new ModelSqlError(name, detail, { cause: thrown });
    return new ModelSqlError("SQL_EXECUTION_ERROR", `Databricks: [${classed[1]}] ${detail}`, {
      cause: thrown,
    });
  }
  if (
    refused ||
    error.name === "AuthenticationError" ||
    /unauthori[sz]ed|invalid (access )?token/i.test(text)
  ) {
    return new ModelSqlError(
      "UNAUTHENTICATED",
      `Databricks at ${context.host} refused the credentials: ${text}`,
      {
        hint: "Check DATABRICKS_TOKEN (or the profile's token) and that it has not expired.",
        cause: thrown,
      },
    );
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|certificate|self[- ]signed|socket hang up/i.test(
      `${error.code ?? ""} ${text}`,
    )
  ) {
    return new ModelSqlError("CONNECTION_FAILED", `Cannot reach Databricks at ${context.host}: ${text}`, {
      hint: "Check DATABRICKS_HOST and the network; a private certificate authority goes in NODE_EXTRA_CA_CERTS.",
      cause: thrown,
    });
  }
  return new ModelSqlError("SQL_EXECUTION_ERROR", `Databricks: ${text}`, { cause: thrown });
}
