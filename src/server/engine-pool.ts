import { Worker } from "node:worker_threads";
import { DEFAULT_SAMPLE_ROWS } from "../engines/duckdb/inference-recording.js";
import { type ErrorClass, ModelSqlError } from "../errors.js";
import type { EngineTask, FromEngine, TaskValue, WireError } from "./engine-protocol.js";
import type { EngineWorkerData } from "./engine-worker.js";

type Task = EngineTask extends infer T ? (T extends EngineTask ? Omit<T, "seq"> : never) : never;

interface Pending {
  readonly resolve: (value: TaskValue) => void;
  readonly reject: (error: ModelSqlError) => void;
  readonly onStart: (() => void) | undefined;
}

/** One worker thread with its own DuckDB instance and session, and what it has been asked. */
class EngineWorker {
  readonly pending = new Map<number, Pending>();
  private readonly cancelled = new Int32Array(new SharedArrayBuffer(4));
  private worker!: Worker;
  private ready!: Promise<void>;
  private closing = false;
  /** Whether the current worker started; one that never did is not replaced again. */
  private workerStarted = false;
  /** Why the worker is gone for good, when a replacement failed to start. */
  private broken: ModelSqlError | undefined;

  constructor(
    private readonly role: "files" | "memory",
    private readonly workspaceDirectory: string,
    private readonly intraOpThreads: number | undefined,
    private readonly sampleRows: number,
  ) {
    this.spawn();
  }

  private spawn(): void {
    const data: EngineWorkerData = {
      workspaceDirectory: this.workspaceDirectory,
      catalogData: this.role,
      cancelled: this.cancelled,
      sampleRows: this.sampleRows,
      ...(this.intraOpThreads ? { intraOpThreads: this.intraOpThreads } : {}),
    };
    const worker = new Worker(new URL("./engine-worker.js", import.meta.url), { workerData: data });
    this.worker = worker;
    this.workerStarted = false;
    this.ready = new Promise((resolve, reject) => {
      worker.once("error", reject);
      worker.on("message", (message: FromEngine) => {
        if (message.kind === "ready") {
          worker.off("error", reject);
          this.workerStarted = true;
          resolve();
          return;
        }
        const pending = this.pending.get(message.seq);
        if (!pending) return;
        if (message.kind === "started") {
          pending.onStart?.();
          return;
        }
        this.pending.delete(message.seq);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(rebuiltError(message.error));
      });
    });
    worker.on("error", (error) => this.failAll(error));
    worker.on("exit", (code) => {
      this.failAll(new Error(`the engine worker stopped (exit code ${code})`));
      // A worker that died serving (out of memory, a native crash) is replaced for the next
      // requests; one that never started (the data locked by another process) is not retried,
      // and from then on requests are refused with the reason instead of waiting forever.
      if (this.closing) return;
      if (this.workerStarted) {
        this.spawn();
        this.ready.catch((error: unknown) => {
          this.broken = new ModelSqlError(
            "INTERNAL_ERROR",
            `The server's engine worker stopped and could not be restarted: ${error instanceof Error ? error.message : String(error)}`,
            { hint: "Restart modelsql serve.", cause: error },
          );
          this.failAll(this.broken);
        });
      }
    });
  }

  private failAll(cause: unknown): void {
    const message = cause instanceof Error ? cause.message : String(cause);
    for (const [seq, pending] of this.pending) {
      this.pending.delete(seq);
      pending.reject(
        new ModelSqlError("INTERNAL_ERROR", `The request was lost: ${message}`, {
          hint: "Send it again; the server replaced the worker.",
          cause,
        }),
      );
    }
  }

  started(): Promise<void> {
    return this.ready;
  }

  send(seq: number, task: Task, onStart?: () => void): Promise<TaskValue> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject, onStart });
      this.worker.postMessage({ ...task, seq });
    });
  }

  cancel(seq: number): void {
    if (!this.pending.has(seq)) return;
    Atomics.store(this.cancelled, 0, seq);
    this.worker.postMessage({ kind: "cancel", seq });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

function rebuiltError(wire: WireError): ModelSqlError {
  const error = new ModelSqlError(wire.errorClass as ErrorClass, "");
  // The worker rendered the message already (class, detail, hint, SQLSTATE, snippet): keep it as is.
  Object.defineProperty(error, "message", { value: wire.message });
  Object.defineProperty(error, "hint", { value: wire.hint });
  if (wire.line !== undefined && wire.column !== undefined)
    Object.defineProperty(error, "position", { value: { line: wire.line, column: wire.column } });
  return error;
}

export interface EnginePoolOptions {
  /** Worker threads that score invocations (each with its own ONNX Runtime sessions). */
  readonly invocationWorkers: number;
  /** ONNX Runtime intra-op threads per run in each worker. */
  readonly intraOpThreads?: number;
  /** Rows of each invocation the inference log samples (statements keep 100). */
  readonly invocationSampleRows: number;
}

/**
 * The server's engines, off the event loop (FINDINGS.md: a scoring statement holds the JS thread
 * that runs its UDFs). One worker holds the workspace's data files and runs statements, one at a
 * time: DuckDB instances do not share a file's state, so a second one over the same files would
 * lose writes. Invocations score only the rows they carry, so they run in workers of their own,
 * over in-memory catalogs, and never wait behind a long statement.
 */
export class EnginePool {
  private nextSeq = 1;
  private readonly owners = new Map<number, EngineWorker>();

  private constructor(
    private readonly statementWorker: EngineWorker,
    private readonly invocationWorkers: readonly EngineWorker[],
  ) {}

  static async start(workspaceDirectory: string, options: EnginePoolOptions): Promise<EnginePool> {
    const statements = new EngineWorker(
      "files",
      workspaceDirectory,
      options.intraOpThreads,
      DEFAULT_SAMPLE_ROWS,
    );
    const invocations = Array.from(
      { length: Math.max(1, options.invocationWorkers) },
      () =>
        new EngineWorker("memory", workspaceDirectory, options.intraOpThreads, options.invocationSampleRows),
    );
    const pool = new EnginePool(statements, invocations);
    try {
      await Promise.all([statements, ...invocations].map((worker) => worker.started()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Queues a task; `seq` identifies it for cancel; `onStart` is told when a worker takes it. */
  submit(task: Task, onStart?: () => void): { seq: number; done: Promise<TaskValue> } {
    const seq = this.nextSeq++;
    // Only statements read the workspace's data; everything else (invocations, the dashboard's
    // reports, listings) answers from the in-memory workers, never behind a long statement.
    const worker = task.kind === "statement" ? this.statementWorker : this.leastBusyInvocationWorker();
    this.owners.set(seq, worker);
    const done = worker.send(seq, task, onStart).finally(() => this.owners.delete(seq));
    return { seq, done };
  }

  cancel(seq: number): void {
    this.owners.get(seq)?.cancel(seq);
  }

  private leastBusyInvocationWorker(): EngineWorker {
    let best = this.invocationWorkers[0] as EngineWorker;
    for (const worker of this.invocationWorkers) if (worker.pending.size < best.pending.size) best = worker;
    return best;
  }

  async close(): Promise<void> {
    await Promise.all([this.statementWorker, ...this.invocationWorkers].map((worker) => worker.close()));
  }
}
