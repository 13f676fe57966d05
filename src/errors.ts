/**
 * The one error type of modelsql. It carries a Databricks-style error class and SQLSTATE and is
 * rendered `[CLASS] message SQLSTATE: xxxxx`. The class travels inside the message text, so it
 * survives crossing DuckDB, which keeps only a thrown error's message.
 */

/** Error classes and their SQLSTATEs. Standard classes use Databricks' codes. */
export const ERROR_CLASSES = {
  INSUFFICIENT_PERMISSIONS: "42501",
  UNRESOLVED_ROUTINE: "42883",
  TABLE_OR_VIEW_NOT_FOUND: "42P01",
  PARSE_SYNTAX_ERROR: "42601",
  DATATYPE_MISMATCH: "42K09",
  WRONG_NUM_ARGS: "42605",
  ROUTINE_ALREADY_EXISTS: "42723",
  NULL_PREDICTION_INPUT: "22004",
  MODEL_EXECUTION_FAILED: "38000",
  OPERATION_CANCELLED: "57014",
  INVALID_PARAMETER_VALUE: "22023",
  MODEL_NOT_FOUND: "42704",
  MODEL_VERSION_NOT_FOUND: "42704",
  MODEL_INVALID: "22000",
  WORKSPACE_NOT_FOUND: "58030",
  UNSUPPORTED_STATEMENT: "0A000",
  UNSUPPORTED_FEATURE: "0A000",
  UNAUTHENTICATED: "28000",
  CONNECTION_FAILED: "08001",
  DEPLOYMENT_OUT_OF_DATE: "55000",
  UNRESOLVED_COLUMN: "42703",
  SQL_EXECUTION_ERROR: "42000",
  RESOURCE_DOES_NOT_EXIST: "42704",
  RESULT_TOO_LARGE: "54000",
  REQUEST_TOO_LARGE: "54000",
  STATEMENT_TIMEOUT: "57014",
  INTERNAL_ERROR: "XX000",
} as const;

export type ErrorClass = keyof typeof ERROR_CLASSES;

/** Where in a SQL text an error is: 1-based line and column. */
export interface SqlPosition {
  readonly line: number;
  readonly column: number;
}

export interface ModelSqlErrorOptions {
  /** What to do about it, in one sentence. */
  readonly hint?: string;
  readonly position?: SqlPosition;
  /** For SQL errors: the line with a caret under the position, shown below the message. */
  readonly snippet?: string;
  readonly cause?: unknown;
}

export class ModelSqlError extends Error {
  readonly errorClass: ErrorClass;
  readonly sqlState: string;
  readonly detail: string;
  readonly hint: string | undefined;
  readonly position: SqlPosition | undefined;

  constructor(errorClass: ErrorClass, detail: string, options: ModelSqlErrorOptions = {}) {
    const sqlState = ERROR_CLASSES[errorClass];
    const sentence = /[.!?]$/.test(detail) ? detail : `${detail}.`;
    const advice = options.hint ? ` ${options.hint}` : "";
    const snippet = options.snippet ? `\n${options.snippet}` : "";
    super(`[${errorClass}] ${sentence}${advice} SQLSTATE: ${sqlState}${snippet}`, { cause: options.cause });
    this.name = "ModelSqlError";
    this.errorClass = errorClass;
    this.sqlState = sqlState;
    this.detail = detail;
    this.hint = options.hint;
    this.position = options.position;
  }

  /** A plain object for `--format json` and HTTP bodies. */
  toJSON(): Record<string, unknown> {
    return {
      error_class: this.errorClass,
      sqlstate: this.sqlState,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.position ? { line: this.position.line, column: this.position.column } : {}),
    };
  }
}

/** Wraps anything thrown into a ModelSqlError, keeping one that already is. */
export function asModelSqlError(thrown: unknown): ModelSqlError {
  if (thrown instanceof ModelSqlError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new ModelSqlError("INTERNAL_ERROR", message, {
    hint: "This is a bug in modelsql; please report it with the command that caused it.",
    cause: thrown,
  });
}

export function describeCause(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
