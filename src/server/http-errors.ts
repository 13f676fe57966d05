import type { ErrorClass, ModelSqlError } from "../errors.js";

const STATUS: Partial<Record<ErrorClass, number>> = {
  UNAUTHENTICATED: 401,
  INSUFFICIENT_PERMISSIONS: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  UNRESOLVED_ROUTINE: 404,
  REQUEST_TOO_LARGE: 413,
  STATEMENT_TIMEOUT: 504,
  OPERATION_CANCELLED: 409,
  CONNECTION_FAILED: 502,
  INTERNAL_ERROR: 500,
  MODEL_EXECUTION_FAILED: 500,
};

/** The HTTP status of an error: 400 for anything the request itself got wrong. */
export function httpStatusOf(error: ModelSqlError): number {
  return STATUS[error.errorClass] ?? 400;
}

/** An error body in the shape of Databricks' REST errors, with modelsql's details beside. */
export function errorBody(error: ModelSqlError): Record<string, unknown> {
  return { error_code: error.errorClass, ...error.toJSON() };
}
