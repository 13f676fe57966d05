import { randomUUID } from "node:crypto";
import type { ModelSqlError } from "../errors.js";
import type { StatementOutcome } from "./engine-protocol.js";

export type StatementState = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELED" | "CLOSED";

/** A statement submitted through the Statement Execution API, and what became of it. */
export interface StatementRecord {
  readonly id: string;
  readonly principal: string;
  readonly submittedAt: number;
  /** The engine task running it, for cancel. */
  seq: number;
  state: StatementState;
  finishedAt?: number;
  outcome?: StatementOutcome;
  error?: ModelSqlError;
  /** Resolves when the statement reaches a final state. */
  finished: Promise<void>;
}

/**
 * The statements the server knows, by id. A statement is visible only to the principal who
 * submitted it. Finished statements are kept for `keepMs` (their results with them) and at most
 * `maxKept` at a time, the oldest finished dropped first, so results never pile up.
 */
export class StatementStore {
  private readonly records = new Map<string, StatementRecord>();

  constructor(
    private readonly keepMs: number,
    private readonly maxKept: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(principal: string): StatementRecord {
    this.evict();
    const record: StatementRecord = {
      id: randomUUID(),
      principal,
      submittedAt: this.now(),
      seq: 0,
      state: "PENDING",
      finished: Promise.resolve(),
    };
    this.records.set(record.id, record);
    return record;
  }

  /** The statement, when it exists and `principal` submitted it. */
  find(id: string, principal: string): StatementRecord | undefined {
    const record = this.records.get(id);
    return record && record.principal === principal ? record : undefined;
  }

  finish(
    record: StatementRecord,
    state: "SUCCEEDED" | "FAILED" | "CANCELED",
    details: { outcome?: StatementOutcome; error?: ModelSqlError },
  ): void {
    if (isFinal(record.state)) return;
    record.state = state;
    record.finishedAt = this.now();
    if (details.outcome) record.outcome = details.outcome;
    if (details.error) record.error = details.error;
  }

  close(record: StatementRecord): void {
    record.state = "CLOSED";
    record.finishedAt ??= this.now();
    delete record.outcome;
  }

  private evict(): void {
    const cutoff = this.now() - this.keepMs;
    for (const [id, record] of this.records) {
      if (record.finishedAt !== undefined && record.finishedAt < cutoff) this.records.delete(id);
    }
    if (this.records.size < this.maxKept) return;
    const finished = [...this.records.values()]
      .filter((record) => record.finishedAt !== undefined)
      .sort((a, b) => (a.finishedAt as number) - (b.finishedAt as number));
    for (const record of finished.slice(0, this.records.size - this.maxKept + 1))
      this.records.delete(record.id);
  }
}

export function isFinal(state: StatementState): boolean {
  return state === "SUCCEEDED" || state === "FAILED" || state === "CANCELED" || state === "CLOSED";
}
