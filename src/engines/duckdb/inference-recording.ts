import { randomUUID } from "node:crypto";
import type { ModelSqlError } from "../../errors.js";
import type {
  InferenceLog,
  InferenceRecord,
  InferenceSource,
  InferenceStatus,
} from "../../monitoring/inference-log.js";
import { type ScoredSample, StatementObservations } from "../../monitoring/statement-observations.js";
import type { BoundVersion } from "./udf-registrations.js";

/** How many scored rows per function and statement the log keeps as its sample. */
export const DEFAULT_SAMPLE_ROWS = 100;

interface Running {
  readonly statementId: string;
  readonly started: number;
  readonly observations: StatementObservations;
  /** The functions the statement calls, with the version each was bound to. */
  readonly called: Map<string, BoundVersion>;
}

/**
 * A session's part of the inference log: from the start of a statement (or script) to its end
 * it collects what each prediction function scored, then appends one record per function to
 * the workspace's log: who ran it, from where, which version scored, how many rows, how long,
 * and a uniform sample of the rows. A function that scored nothing in a statement that succeeded
 * (an internal LIMIT 0, a WHERE false) is not recorded.
 */
export class InferenceRecording {
  private running: Running | undefined;

  constructor(
    private readonly log: InferenceLog,
    private readonly principal: string,
    private readonly registry: string,
    private readonly source: InferenceSource,
    private readonly sampleRows: number = DEFAULT_SAMPLE_ROWS,
    /** The id the next statement is recorded under (the server's statement id), once. */
    private nextStatementId?: string,
  ) {}

  begin(): void {
    const statementId = this.nextStatementId ?? randomUUID();
    this.nextStatementId = undefined;
    this.running = {
      statementId,
      started: performance.now(),
      observations: new StatementObservations(this.sampleRows),
      called: new Map(),
    };
  }

  /** A statement of the script calls these functions, bound as given. */
  noteCalled(functions: Iterable<string>, bound: ReadonlyMap<string, BoundVersion>): void {
    if (!this.running) return;
    for (const name of functions) {
      const version = bound.get(name);
      if (version) this.running.called.set(name, version);
    }
  }

  offer(functionName: string, scoredRows: ArrayLike<number>, read: (row: number) => ScoredSample): void {
    this.running?.observations.offer(functionName, scoredRows, read);
  }

  /** Ends the statement and appends its records; a no-op when none is running. */
  finish(status: InferenceStatus, error?: ModelSqlError): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    const latencyMs = performance.now() - running.started;
    const recordedAt = Date.now();
    const records: InferenceRecord[] = [];
    for (const [functionName, bound] of running.called) {
      const observed = running.observations.of(functionName);
      const rowsScored = observed?.rowsScored ?? 0;
      if (rowsScored === 0 && status === "succeeded") continue;
      const version = bound.binding?.version;
      records.push({
        statementId: running.statementId,
        recordedAt,
        principal: this.principal,
        source: this.source,
        functionName,
        modelName: version?.name ?? bound.definition.model,
        modelVersion: version && !version.artifactReference ? version.version : null,
        modelUri: bound.definition.model,
        registry: this.registry,
        route: bound.route?.route ?? null,
        rowsScored,
        latencyMs,
        status,
        errorClass: error?.errorClass ?? null,
        samples: observed?.samples ?? [],
      });
    }
    this.log.append(records);
  }
}
