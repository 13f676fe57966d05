import type { MetadataStore } from "../catalog/metadata-store.js";
import type { ScoredSample } from "./statement-observations.js";

/** Where a statement came from: the CLI, the SQL statements API, a model invocation, or an embedding program. */
export type InferenceSource = "cli" | "statements_api" | "invocation" | "session";

export type InferenceStatus = "succeeded" | "failed" | "cancelled";

/** One prediction function as one statement (or invocation) called it. */
export interface InferenceRecord {
  readonly statementId: string;
  readonly recordedAt: number;
  readonly principal: string;
  readonly source: InferenceSource;
  readonly functionName: string;
  /** The registered model, or for an artifact no version stands for, its URI. */
  readonly modelName: string;
  /** The version that scored; null for a run's or logged model's artifact. */
  readonly modelVersion: number | null;
  /** The function's model URI as defined (`models:/main.ml.churn@champion`). */
  readonly modelUri: string;
  /** `local`, or the MLflow tracking server the version came from. */
  readonly registry: string;
  readonly route: string | null;
  readonly rowsScored: number;
  readonly latencyMs: number;
  readonly status: InferenceStatus;
  readonly errorClass: string | null;
  readonly samples: readonly ScoredSample[];
}

export interface InferenceLogRow {
  readonly id: number;
  readonly statement_id: string;
  readonly recorded_at: number;
  readonly principal: string;
  readonly source: string;
  readonly function_name: string;
  readonly model_name: string;
  readonly model_version: number | null;
  readonly model_uri: string;
  readonly registry: string;
  readonly route: string | null;
  readonly rows_scored: number;
  readonly latency_ms: number;
  readonly status: string;
  readonly error_class: string | null;
}

export interface InferenceSampleRow {
  readonly log_id: number;
  readonly sample: number;
  readonly inputs: string;
  readonly prediction: string;
}

/** JSON for a sampled value: BIGINTs as numbers where exact, else as text. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "bigint" ? (Number.isSafeInteger(Number(item)) ? Number(item) : item.toString()) : item,
  );
}

/**
 * The inference log in the workspace's metadata store, which every process (CLI, server) appends
 * to; sessions read it as the system tables system.serving.inference_log and
 * system.serving.inference_samples.
 */
export class InferenceLog {
  constructor(private readonly store: MetadataStore) {}

  /** Appends the records of one statement at once, with their samples. */
  append(records: readonly InferenceRecord[]): void {
    if (records.length === 0) return;
    this.store.writeTransaction(() => {
      for (const record of records) {
        const { lastInsertRowid } = this.store.run(
          `INSERT INTO inference_log (statement_id, recorded_at, principal, source, function_name, model_name,
             model_version, model_uri, registry, route, rows_scored, latency_ms, status, error_class)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          record.statementId,
          record.recordedAt,
          record.principal,
          record.source,
          record.functionName,
          record.modelName,
          record.modelVersion,
          record.modelUri,
          record.registry,
          record.route,
          record.rowsScored,
          record.latencyMs,
          record.status,
          record.errorClass,
        );
        record.samples.forEach((sample, index) => {
          this.store.run(
            "INSERT INTO inference_samples (log_id, sample, inputs, prediction) VALUES (?, ?, ?, ?)",
            lastInsertRowid,
            index,
            toJson(sample.inputs),
            toJson(sample.prediction),
          );
        });
      }
    });
  }

  /** Log rows after `afterId`, oldest first, with their samples, read as one snapshot. */
  entriesAfter(afterId: number): { entries: InferenceLogRow[]; samples: InferenceSampleRow[] } {
    return this.store.readTransaction(() => ({
      entries: this.store.all<InferenceLogRow>(
        "SELECT * FROM inference_log WHERE id > ? ORDER BY id",
        afterId,
      ),
      samples: this.store.all<InferenceSampleRow>(
        "SELECT * FROM inference_samples WHERE log_id > ? ORDER BY log_id, sample",
        afterId,
      ),
    }));
  }
}
