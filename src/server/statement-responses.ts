import type { StatementOutcome } from "./engine-protocol.js";
import type { StatementRecord } from "./statement-store.js";

/** Rows per result chunk; a client reads the rest through `next_chunk_internal_link`. */
export const CHUNK_ROWS = 10_000;

function chunkCount(outcome: StatementOutcome): number {
  return Math.max(1, Math.ceil(outcome.rows.length / CHUNK_ROWS));
}

/** One chunk of a result, as `result` and the chunk route return it. */
export function resultChunk(
  record: StatementRecord,
  outcome: StatementOutcome,
  index: number,
): Record<string, unknown> {
  const rowOffset = index * CHUNK_ROWS;
  const rows = outcome.rows.slice(rowOffset, rowOffset + CHUNK_ROWS);
  const last = index + 1 >= chunkCount(outcome);
  return {
    chunk_index: index,
    row_offset: rowOffset,
    row_count: rows.length,
    data_array: rows,
    ...(last
      ? {}
      : {
          next_chunk_index: index + 1,
          next_chunk_internal_link: `/api/2.0/sql/statements/${record.id}/result/chunks/${index + 1}`,
        }),
  };
}

export function chunkExists(outcome: StatementOutcome, index: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < chunkCount(outcome);
}

/**
 * A statement as Databricks' Statement Execution API answers for it: its id and state; when it
 * succeeded, the manifest (columns with Databricks type names, chunks, row count, whether
 * row_limit truncated it) and the first chunk inline; when it failed, the error with its class.
 */
export function statementResponse(record: StatementRecord): Record<string, unknown> {
  const status: Record<string, unknown> = { state: record.state };
  if (record.error) {
    status.error = {
      error_code: record.error.errorClass,
      message: record.error.message,
      sql_state: record.error.sqlState,
      ...(record.error.position
        ? { line: record.error.position.line, column: record.error.position.column }
        : {}),
    };
  }
  const response: Record<string, unknown> = { statement_id: record.id, status };
  const outcome = record.state === "SUCCEEDED" ? record.outcome : undefined;
  if (outcome) {
    const chunks = Array.from({ length: chunkCount(outcome) }, (_, index) => ({
      chunk_index: index,
      row_offset: index * CHUNK_ROWS,
      row_count: Math.min(CHUNK_ROWS, outcome.rows.length - index * CHUNK_ROWS),
    }));
    response.manifest = {
      format: "JSON_ARRAY",
      schema: { column_count: outcome.columns.length, columns: outcome.columns },
      total_chunk_count: chunks.length,
      chunks,
      total_row_count: outcome.rows.length,
      truncated: outcome.truncated,
    };
    response.result = resultChunk(record, outcome, 0);
  }
  return response;
}
