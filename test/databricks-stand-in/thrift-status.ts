/**
 * TStatus values and the Databricks rendering of errors.
 *
 * How the driver (2.1.0) surfaces them, verified in dist/dto/Status.js, dist/errors and the tests:
 * - A response whose `status.statusCode` is ERROR_STATUS or INVALID_HANDLE_STATUS makes the call
 *   reject with a `StatusError` (name "Status Error", `message` = `status.errorMessage`). Note
 *   that StatusError is a plain class, not an `Error` subclass.
 * - A failed statement is reported through GetOperationStatus (operationState ERROR_STATE); the
 *   driver then throws `OperationStateError` (errorCode "ERROR") whose `message` is the
 *   response's `displayMessage` and whose `response` holds `errorMessage` and `sqlState`.
 *   `displayMessage` and `errorMessage` therefore both carry the rendered text.
 */
import type { TStatus } from "@databricks/sql/thrift/TCLIService_types.js";
import { StandInError } from "./stand-in-backend.js";
import { ttypes } from "./thrift-runtime.js";

export function successStatus(): TStatus {
  return new ttypes.TStatus({ statusCode: ttypes.TStatusCode.SUCCESS_STATUS });
}

export function errorStatus(message: string, sqlState?: string): TStatus {
  return new ttypes.TStatus({
    statusCode: ttypes.TStatusCode.ERROR_STATUS,
    errorMessage: message,
    displayMessage: message,
    sqlState,
  });
}

export function invalidHandleStatus(kind: "session" | "operation"): TStatus {
  return new ttypes.TStatus({
    statusCode: ttypes.TStatusCode.INVALID_HANDLE_STATUS,
    errorMessage: `Invalid ${kind === "session" ? "SessionHandle" : "OperationHandle"}: unknown or already closed`,
    sqlState: "HY000",
  });
}

export function notSupportedStatus(method: string): TStatus {
  return errorStatus(`${method} is not supported by the Databricks SQL stand-in`, "0A000");
}

export interface RenderedError {
  message: string;
  sqlState: string;
  errorClass: string;
}

/**
 * `[CLASS] message SQLSTATE: xxxxx`, the form Databricks uses for errors with an error class
 * (e.g. `[TABLE_OR_VIEW_NOT_FOUND] The table or view ... SQLSTATE: 42P01`). Errors that are not
 * StandInError are reported as Databricks reports unexpected failures: INTERNAL_ERROR, XX000.
 */
export function renderError(error: unknown): RenderedError {
  const errorClass = error instanceof StandInError ? error.errorClass : "INTERNAL_ERROR";
  const sqlState = error instanceof StandInError ? error.sqlState : "XX000";
  const text = error instanceof Error ? error.message : String(error);
  return { message: `[${errorClass}] ${text} SQLSTATE: ${sqlState}`, sqlState, errorClass };
}
