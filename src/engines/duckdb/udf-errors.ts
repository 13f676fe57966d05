import { randomBytes } from "node:crypto";
import { asModelSqlError, ERROR_CLASSES, type ErrorClass, ModelSqlError } from "../../errors.js";

/**
 * DuckDB keeps only the message of an error a UDF throws ("Invalid Input Error: <message>"), so
 * a modelsql error crosses DuckDB as text. The text starts with a mark no statement can know
 * (random per process): a statement calling error('[INSUFFICIENT_PERMISSIONS] ...') must not
 * pass for modelsql's own error.
 */
const MARK = `modelsql-${randomBytes(6).toString("hex")}: `;

/** The error to throw from inside a UDF. */
export function udfError(thrown: unknown): Error {
  return new Error(`${MARK}${asModelSqlError(thrown).message}`);
}

/** The modelsql error a DuckDB error carries, if it is one a modelsql UDF threw. */
export function carriedError(duckdbMessage: string, cause: unknown): ModelSqlError | undefined {
  const at = duckdbMessage.indexOf(MARK);
  if (at < 0) return undefined;
  const text = duckdbMessage.slice(at + MARK.length);
  const match = /^\[([A-Z_]+)\] ([\s\S]*?)(?: SQLSTATE: \w+)?\s*$/.exec(text);
  if (!match || !((match[1] as string) in ERROR_CLASSES)) {
    return new ModelSqlError("INTERNAL_ERROR", text, { cause });
  }
  return new ModelSqlError(match[1] as ErrorClass, (match[2] as string).trim(), { cause });
}
