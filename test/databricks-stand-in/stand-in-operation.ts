/**
 * One ExecuteStatement: runs the backend asynchronously and answers GetOperationStatus,
 * GetResultSetMetadata, FetchResults, CancelOperation and CloseOperation for it.
 *
 * Driver behaviour this follows (@databricks/sql 2.1.0, ThriftOperationBackend/DBSQLOperation):
 * - ExecuteStatement is sent with runAsync=true and the driver polls GetOperationStatus every
 *   100 ms until the state is terminal; FINISHED lets it go on to GetResultSetMetadata and
 *   FetchResults, CANCELED/CLOSED/ERROR/TIMEDOUT make it throw OperationStateError.
 * - `hasResultSet` in the status response overrides the handle's flag; with `false` the driver
 *   returns no rows without fetching.
 * - `resultFormat` must be set in GetResultSetMetadata (the driver asserts it is defined);
 *   COLUMN_BASED_SET selects its column reader, and `lz4Compressed: false` / no `arrowSchema`
 *   keep it off the Arrow, LZ4 and cloud-fetch paths whatever the request offered
 *   (canReadArrowResult, canDecompressLZ4Result, canDownloadResult are ignored on purpose).
 * - Cancel on a running statement makes later status polls report CANCELED_STATE, which is how a
 *   concurrent `fetchAll()` learns about it; cancel on a finished statement changes nothing (as
 *   in Spark's thrift server, where cancel leaves terminal states alone).
 */
import type {
  TFetchResultsReq,
  TFetchResultsResp,
  TGetOperationStatusResp,
  TGetResultSetMetadataResp,
} from "@databricks/sql/thrift/TCLIService_types.js";
import { encodeColumn, tableSchema } from "./column-encoding.js";
import { type HandleIdentifier, newHandleIdentifier } from "./handle-identifiers.js";
import { ResultPager } from "./result-pager.js";
import type { StandInColumn, StandInExecuteOptions, StandInSession } from "./stand-in-backend.js";
import { StandInError } from "./stand-in-backend.js";
import { Int64, int64ToNumber, ttypes } from "./thrift-runtime.js";
import { errorStatus, type RenderedError, renderError, successStatus } from "./thrift-status.js";

export type OperationState = "RUNNING" | "FINISHED" | "ERROR" | "CANCELED" | "CLOSED";

/** FetchResults `fetchType` 1 asks for the operation log, which the stand-in does not keep. */
const FETCH_TYPE_LOG = 1;

/** How long closing a running statement waits for the backend to honour the abort. */
const CLOSE_GRACE_MS = 2000;

function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class StandInOperation {
  readonly id: string;
  readonly identifier: HandleIdentifier;
  private currentState: OperationState = "RUNNING";
  private error: RenderedError | undefined;
  private columns: StandInColumn[] = [];
  private pager: ResultPager | undefined;
  private readonly abortController = new AbortController();
  private readonly startedAt = Date.now();
  private completedAt: number | undefined;
  /** Settles when the backend has answered (successfully or not); never rejects. */
  readonly settled: Promise<void>;

  constructor(session: StandInSession, sql: string, parameters: Omit<StandInExecuteOptions, "signal">) {
    const { id, identifier } = newHandleIdentifier();
    this.id = id;
    this.identifier = identifier;
    this.settled = this.run(session, sql, { ...parameters, signal: this.abortController.signal });
  }

  get state(): OperationState {
    return this.currentState;
  }

  private finish(state: OperationState, error?: unknown): void {
    if (this.currentState !== "RUNNING") return;
    this.currentState = state;
    this.error = error === undefined ? undefined : renderError(error);
    this.completedAt = Date.now();
  }

  private async run(session: StandInSession, sql: string, options: StandInExecuteOptions): Promise<void> {
    try {
      const result = await session.execute(sql, options);
      this.columns = result.columns;
      this.pager = new ResultPager(result.batches);
      if (this.currentState !== "RUNNING") {
        await this.pager.close();
        return;
      }
      // Produce the first batch before reporting FINISHED, so errors raised while computing it
      // fail the statement (as on Databricks) instead of the first fetch.
      await this.pager.fillLookAhead();
      this.finish("FINISHED");
    } catch (error) {
      this.finish("ERROR", error);
    }
    if (this.currentState === "CANCELED" || this.currentState === "CLOSED") {
      await this.pager?.close().catch(() => undefined);
    }
  }

  cancel(): void {
    if (this.currentState !== "RUNNING") return;
    this.finish("CANCELED");
    this.abortController.abort(
      new StandInError("The statement was cancelled by the client", "HY008", "CANCELLED"),
    );
  }

  /**
   * Aborts the statement if it is still running and releases its results. Waits (briefly) for
   * the backend to give up, so that closing a session does not close the backend session under
   * a statement that is still executing.
   */
  async close(): Promise<void> {
    if (this.currentState === "RUNNING") {
      this.finish("CLOSED");
      this.abortController.abort(
        new StandInError("The statement was closed by the client", "HY008", "CLOSED"),
      );
      await settleWithin(this.settled, CLOSE_GRACE_MS);
    }
    this.currentState = "CLOSED";
    await this.pager?.close().catch(() => undefined);
  }

  statusResponse(): TGetOperationStatusResp {
    const operationState = {
      RUNNING: ttypes.TOperationState.RUNNING_STATE,
      FINISHED: ttypes.TOperationState.FINISHED_STATE,
      ERROR: ttypes.TOperationState.ERROR_STATE,
      CANCELED: ttypes.TOperationState.CANCELED_STATE,
      CLOSED: ttypes.TOperationState.CLOSED_STATE,
    }[this.currentState];
    return new ttypes.TGetOperationStatusResp({
      status: successStatus(),
      operationState,
      hasResultSet: this.currentState === "FINISHED" ? this.columns.length > 0 : undefined,
      operationStarted: new Int64(this.startedAt),
      operationCompleted: this.completedAt === undefined ? undefined : new Int64(this.completedAt),
      sqlState: this.error?.sqlState,
      errorMessage: this.error?.message,
      displayMessage: this.error?.message,
    });
  }

  /** Error status for calls that need a finished statement, or undefined when it is finished. */
  private notFinishedStatus(): ReturnType<typeof errorStatus> | undefined {
    switch (this.currentState) {
      case "FINISHED":
        return undefined;
      case "ERROR":
        return errorStatus(this.error?.message ?? "The statement failed", this.error?.sqlState);
      default:
        return errorStatus(`Expected state FINISHED, but the statement is ${this.currentState}`, "HY010");
    }
  }

  metadataResponse(): TGetResultSetMetadataResp {
    const failure = this.notFinishedStatus();
    if (failure) return new ttypes.TGetResultSetMetadataResp({ status: failure });
    return new ttypes.TGetResultSetMetadataResp({
      status: successStatus(),
      schema: tableSchema(this.columns),
      resultFormat: ttypes.TSparkRowSetType.COLUMN_BASED_SET,
      lz4Compressed: false,
      isStagingOperation: false,
    });
  }

  private rowSet(rows: unknown[][], startRowOffset: number): TFetchResultsResp["results"] {
    return new ttypes.TRowSet({
      startRowOffset: new Int64(startRowOffset),
      rows: [],
      columns: this.columns.map((column, index) => encodeColumn(column, index, rows)),
      columnCount: this.columns.length,
    });
  }

  async fetchResponse(request: TFetchResultsReq): Promise<TFetchResultsResp> {
    if (request.fetchType === FETCH_TYPE_LOG) {
      return new ttypes.TFetchResultsResp({
        status: successStatus(),
        hasMoreRows: false,
        results: this.rowSet([], 0),
      });
    }
    const failure = this.notFinishedStatus();
    const pager = this.pager;
    if (failure || !pager)
      return new ttypes.TFetchResultsResp({ status: failure ?? errorStatus("No result set") });
    if (request.orientation === ttypes.TFetchOrientation.FETCH_FIRST && pager.started) {
      // The driver sends FETCH_FIRST only on its first call; rewinding would need the rows kept.
      return new ttypes.TFetchResultsResp({
        status: errorStatus("Fetching from the start again is not supported by the stand-in", "HY106"),
      });
    }
    try {
      const page = await pager.nextPage(int64ToNumber(request.maxRows) ?? 10_000);
      return new ttypes.TFetchResultsResp({
        status: successStatus(),
        hasMoreRows: page.hasMoreRows,
        results: this.rowSet(page.rows, page.startRowOffset),
      });
    } catch (error) {
      // A backend failing mid-stream (or a value its column type cannot hold) fails the statement.
      if (this.currentState === "FINISHED") {
        this.currentState = "ERROR";
        this.error = renderError(error);
      }
      const rendered = this.error ?? renderError(error);
      return new ttypes.TFetchResultsResp({ status: errorStatus(rendered.message, rendered.sqlState) });
    }
  }
}
