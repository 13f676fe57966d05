import type { PlainValue } from "./duckdb/result-values.js";

/** A result column: its name and its type as the engine names it. */
export interface EngineColumn {
  readonly name: string;
  readonly type: string;
}

/** A statement's result from a remote engine, streamed in batches of plain rows. */
export interface EngineResult {
  readonly columns: readonly EngineColumn[];
  readonly batches: AsyncIterable<PlainValue[][]>;
}

/**
 * An engine that runs SQL modelsql has already analysed, authorized and written in its dialect
 * (ARCHITECTURE.md: engines are interfaces). Aborting the signal cancels the running statement.
 */
export interface Engine {
  execute(sql: string, options: { signal: AbortSignal; timeoutSeconds?: number }): Promise<EngineResult>;
  close(): Promise<void>;
}
