import type { MetadataStore } from "../catalog/metadata-store.js";

/** What checking a model's compiled SQL against ONNX Runtime found. */
export interface CompiledRouteCheck {
  /** passed: equal on every row; failed: some value differs; unsupported: no SQL form. */
  readonly outcome: "passed" | "failed" | "unsupported";
  /** Why the compiled route is not offered, or what passing means. */
  readonly reason: string;
  readonly sampleRows: number;
  /** The largest difference of a number (relative to its size when that is over 1). */
  readonly largestDifference: number | null;
  /** Values (numbers beyond 1e-5, or labels) that differ. */
  readonly mismatchedValues: number;
  readonly measuredRows: number;
  readonly sqlRowsPerSecond: number | null;
  readonly onnxRowsPerSecond: number | null;
  readonly checkedAt: Date;
}

interface CheckRow {
  outcome: CompiledRouteCheck["outcome"];
  reason: string;
  sample_rows: number;
  largest_difference: number | null;
  mismatched_values: number;
  measured_rows: number;
  sql_rows_per_second: number | null;
  onnx_rows_per_second: number | null;
  checked_at: number;
}

/**
 * Compiled-route checks, kept per artifact (content hash and ONNX file) and compiler version:
 * artifacts are immutable, so a check holds for every version registered from the same bytes,
 * and a newer compiler checks again.
 */
export class CompiledRouteStore {
  constructor(private readonly store: MetadataStore) {}

  get(artifactHash: string, onnxFile: string, compilerVersion: number): CompiledRouteCheck | undefined {
    const row = this.store.get<CheckRow>(
      "SELECT * FROM compiled_route_checks WHERE artifact_hash = ? AND onnx_file = ? AND compiler_version = ?",
      artifactHash,
      onnxFile,
      compilerVersion,
    );
    if (!row) return undefined;
    return {
      outcome: row.outcome,
      reason: row.reason,
      sampleRows: row.sample_rows,
      largestDifference: row.largest_difference,
      mismatchedValues: row.mismatched_values,
      measuredRows: row.measured_rows,
      sqlRowsPerSecond: row.sql_rows_per_second,
      onnxRowsPerSecond: row.onnx_rows_per_second,
      checkedAt: new Date(row.checked_at),
    };
  }

  put(artifactHash: string, onnxFile: string, compilerVersion: number, check: CompiledRouteCheck): void {
    this.store.writeTransaction(() =>
      this.store.run(
        `INSERT OR REPLACE INTO compiled_route_checks (artifact_hash, onnx_file, compiler_version, outcome, reason,
           sample_rows, largest_difference, mismatched_values, measured_rows, sql_rows_per_second, onnx_rows_per_second,
           checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        artifactHash,
        onnxFile,
        compilerVersion,
        check.outcome,
        check.reason,
        check.sampleRows,
        check.largestDifference,
        check.mismatchedValues,
        check.measuredRows,
        check.sqlRowsPerSecond,
        check.onnxRowsPerSecond,
        check.checkedAt.getTime(),
      ),
    );
  }
}
