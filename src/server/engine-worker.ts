import { parentPort, workerData } from "node:worker_threads";
import { JSDuckDBValueConverter } from "@duckdb/node-api";
import { endpointNameOf } from "../engines/databricks/serving-endpoint.js";
import { LocalSession } from "../engines/duckdb/local-session.js";
import { buildMonitorReport } from "../engines/duckdb/monitor-report.js";
import { type PlainValue, plainValue } from "../engines/duckdb/result-values.js";
import { asModelSqlError, ModelSqlError } from "../errors.js";
import { findFunction } from "../functions/function-lookup.js";
import { splitStatements } from "../sql/sql-tokens.js";
import { openWorkspace } from "../workspace.js";
import type {
  EngineTask,
  FromEngine,
  InvocationRequest,
  MonitorRequest,
  ServedFunction,
  StatementOutcome,
  StatementRequest,
  TaskValue,
  ToEngine,
  WireError,
} from "./engine-protocol.js";
import { bindInvocationRows, invocationSql, rowBindingFor } from "./invocation-sql.js";
import { readStatementResult } from "./statement-results.js";

/** What the pool gives each worker. */
export interface EngineWorkerData {
  readonly workspaceDirectory: string;
  /** `files` for the worker that runs statements over the workspace's data; `memory` for invocations. */
  readonly catalogData: "files" | "memory";
  /** Slot 0 holds the seq of the task the server cancelled; checked after every scored chunk. */
  readonly cancelled: Int32Array;
  readonly intraOpThreads?: number;
  /** Rows per function and statement the inference log samples. */
  readonly sampleRows: number;
}

const data = workerData as EngineWorkerData;
const port = parentPort;
if (!port) throw new Error("engine-worker.js runs as a worker thread of modelsql serve");

const workspace = openWorkspace(data.workspaceDirectory);
const session = await LocalSession.open(workspace, {
  catalogData: data.catalogData,
  lockdown: "everyone",
  source: data.catalogData === "memory" ? "invocation" : "statements_api",
  sampleRows: data.sampleRows,
  ...(data.intraOpThreads ? { intraOpThreads: data.intraOpThreads } : {}),
});
let running: number | undefined;
const cancelledError = () => new ModelSqlError("OPERATION_CANCELLED", "The statement was cancelled");
// UDF callbacks hold this thread while DuckDB scores, so a cancel message would wait for the
// statement's end; the shared slot is read between chunks instead (DuckDB interrupt covers the rest).
session.setScoringHooks({
  onChunkScored: () => {
    if (running !== undefined && Atomics.load(data.cancelled, 0) === running) throw cancelledError();
  },
});

/** The workspace's session defaults are what every request starts from. */
let defaultsChanged = false;
async function restoreDefaults(): Promise<void> {
  if (!defaultsChanged) return;
  await session.applyDefaults(workspace.settings.sessionDefaults(), { createMissing: false });
  defaultsChanged = false;
}

async function runStatement(task: StatementRequest): Promise<StatementOutcome> {
  const statements = splitStatements(task.statement);
  if (statements.length > 1) {
    throw new ModelSqlError("UNSUPPORTED_STATEMENT", "A request runs one statement; this one has several", {
      hint: "Send each statement in a request of its own.",
    });
  }
  // Whatever happened to the last request (a cancel landing mid-restore), this one starts from
  // the workspace's defaults; a schema the request names must exist (it is never created).
  await restoreDefaults();
  session.actAs(task.principal, "statements_api", { statementId: task.statementId });
  if (task.currentSchema) {
    defaultsChanged = true;
    await session.applyDefaults(
      { ...workspace.settings.sessionDefaults(), currentSchema: task.currentSchema },
      { createMissing: false },
    );
  }
  try {
    const { result, statement } = await session.execute(task.statement);
    if (statement.analysis.kind === "use") defaultsChanged = true;
    let outcome: StatementOutcome;
    try {
      outcome = await readStatementResult(result, {
        maxResultBytes: task.maxResultBytes,
        ...(task.rowLimit !== undefined ? { rowLimit: task.rowLimit } : {}),
        ...(task.byteLimit !== undefined ? { byteLimit: task.byteLimit } : {}),
      });
    } catch (error) {
      const translated = error instanceof ModelSqlError ? error : await session.translate(error, statement);
      await session.complete(false, translated);
      throw translated;
    }
    await session.complete(true);
    return outcome;
  } finally {
    await restoreDefaults();
  }
}

async function runInvocation(
  task: InvocationRequest,
): Promise<{ predictions: ReturnType<typeof plainValue>[] }> {
  const definition = workspace.functions.get(task.functionName).definition;
  session.actAs(task.principal, "invocation");
  const rows = JSON.parse(task.rowsJson) as PlainValue[][];
  const binding = rowBindingFor(rows.length);
  const { result, statement } = await session.runParameterized(
    invocationSql(definition, binding),
    bindInvocationRows(definition, rows, binding),
  );
  try {
    const type = result.columnTypes()[0];
    const predictions: ReturnType<typeof plainValue>[] = [];
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const [value] of chunk.convertRows(JSDuckDBValueConverter))
        predictions.push(plainValue(value ?? null, type as never));
    }
    await session.complete(true);
    return { predictions };
  } catch (error) {
    const translated = error instanceof ModelSqlError ? error : await session.translate(error, statement);
    await session.complete(false, translated);
    throw translated;
  }
}

async function runMonitor(task: MonitorRequest): Promise<TaskValue> {
  session.actAs(task.principal, "statements_api");
  const definition = findFunction(workspace, task.functionName);
  const baseline = workspace.driftBaselines.find(definition.name);
  return buildMonitorReport(session, definition.name, {
    bucket: task.bucket,
    returns: definition.returns.kind,
    ...(task.sinceMs !== undefined ? { since: new Date(task.sinceMs) } : {}),
    ...(baseline ? { baseline } : {}),
  });
}

/** The functions the principal may execute, with the version each resolves to now. */
async function listFunctions(principal: string): Promise<ServedFunction[]> {
  const bindings = await session.currentBindings();
  return workspace.functions
    .list()
    .map((stored) => stored.definition)
    .filter((definition) =>
      workspace.authorizer.has(principal, "EXECUTE", { type: "FUNCTION", name: definition.name }),
    )
    .map((definition) => {
      const version = bindings.get(definition.name)?.binding?.version;
      return {
        name: definition.name,
        endpoint: endpointNameOf(definition),
        model: version?.name ?? definition.model,
        version: version && !version.artifactReference ? version.version : null,
      };
    });
}

function run(task: EngineTask): Promise<TaskValue> {
  switch (task.kind) {
    case "statement":
      return runStatement(task);
    case "invocation":
      return runInvocation(task);
    case "monitor":
      return runMonitor(task);
    case "functions":
      return listFunctions(task.principal);
  }
}

function wireError(thrown: unknown): WireError {
  const error = asModelSqlError(thrown);
  return {
    errorClass: error.errorClass,
    message: error.message,
    ...(error.hint ? { hint: error.hint } : {}),
    ...(error.position ? { line: error.position.line, column: error.position.column } : {}),
  };
}

// One task at a time: the session is one DuckDB connection, and the principal changes per task.
const queue: EngineTask[] = [];
let draining = false;

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  for (let task = queue.shift(); task; task = queue.shift()) {
    running = task.seq;
    port?.postMessage({ kind: "started", seq: task.seq } satisfies FromEngine);
    let reply: FromEngine;
    try {
      const value = await run(task);
      reply = { kind: "reply", seq: task.seq, ok: true, value };
    } catch (error) {
      const wasCancelled = Atomics.load(data.cancelled, 0) === task.seq;
      const failure = wasCancelled && !(error instanceof ModelSqlError) ? cancelledError() : error;
      reply = { kind: "reply", seq: task.seq, ok: false, error: wireError(failure) };
    }
    running = undefined;
    port?.postMessage(reply);
  }
  draining = false;
}

port.on("message", (message: ToEngine) => {
  if (message.kind === "cancel") {
    if (running === message.seq) session.interrupt();
    const index = queue.findIndex((task) => task.seq === message.seq);
    if (index >= 0) {
      queue.splice(index, 1);
      port.postMessage({ kind: "reply", seq: message.seq, ok: false, error: wireError(cancelledError()) });
    }
    return;
  }
  queue.push(message);
  void drain();
});
port.postMessage({ kind: "ready" } satisfies FromEngine);
