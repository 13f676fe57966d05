/**
 * A StandInBackend for the stand-in's own tests: runs the SQL text as is on an in-memory DuckDB
 * (so test SQL is DuckDB SQL, e.g. `$name` for named parameters), streams DuckDB's data chunks as
 * batches, and records what each execute received.
 *
 * - Tokens: only `acceptedTokens` open a session; others get StandInError INVALID_TOKEN.
 * - Errors: DuckDB catalog errors become TABLE_OR_VIEW_NOT_FOUND / 42P01 and parser errors
 *   PARSE_SYNTAX_ERROR / 42601 (the Databricks classes for those failures); anything else is
 *   rethrown as is, which the server reports as INTERNAL_ERROR.
 * - Cancel: the statement is started task by task, checking the abort signal in between; once
 *   streaming, the abort signal interrupts the DuckDB connection, which makes `fetchChunk` reject.
 */
import {
  type DuckDBConnection,
  type DuckDBDataChunk,
  DuckDBInstance,
  DuckDBPendingResultState,
  type DuckDBResult,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  JSDuckDBValueConverter,
} from "@duckdb/node-api";
import {
  type StandInBackend,
  type StandInColumn,
  StandInError,
  type StandInExecuteOptions,
  type StandInResult,
  type StandInSession,
} from "./stand-in-backend.js";

export interface RecordedExecution {
  sql: string;
  namedParameters: Record<string, unknown>;
  ordinalParameters: unknown[];
  signal: AbortSignal;
  /** How many batches the server has pulled so far (the stand-in pulls them lazily). */
  batchesYielded: number;
  /** Settles when DuckDB stopped working on the statement (finished, failed or interrupted). */
  done: Promise<void>;
}

/** The Spark type text of a DuckDB type, for the column types the tests use. */
function sparkTypeText(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return "boolean";
    case DuckDBTypeId.TINYINT:
      return "tinyint";
    case DuckDBTypeId.SMALLINT:
      return "smallint";
    case DuckDBTypeId.INTEGER:
      return "int";
    case DuckDBTypeId.BIGINT:
      return "bigint";
    case DuckDBTypeId.HUGEINT:
      return "decimal(38,0)";
    case DuckDBTypeId.FLOAT:
      return "float";
    case DuckDBTypeId.DOUBLE:
      return "double";
    case DuckDBTypeId.DECIMAL:
      return `decimal(${type.width},${type.scale})`;
    case DuckDBTypeId.DATE:
      return "date";
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return "timestamp";
    case DuckDBTypeId.BLOB:
      return "binary";
    case DuckDBTypeId.SQLNULL:
      return "void";
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return `array<${sparkTypeText(type.valueType)}>`;
    case DuckDBTypeId.STRUCT:
      return `struct<${type.entryNames.map((name, i) => `${name}:${sparkTypeText(type.entryTypes[i] ?? type)}`).join(",")}>`;
    case DuckDBTypeId.MAP:
      return `map<${sparkTypeText(type.keyType)},${sparkTypeText(type.valueType)}>`;
    default:
      return "string";
  }
}

function standInColumn(name: string, type: DuckDBType): StandInColumn {
  const typeText = sparkTypeText(type);
  const typeName = typeText.replace(/[<(].*$/, "").toUpperCase();
  switch (typeName) {
    case "DECIMAL": {
      const [, precision, scale] = /decimal\((\d+),(\d+)\)/.exec(typeText) ?? [];
      return { name, typeName, typeText, precision: Number(precision), scale: Number(scale) };
    }
    case "VOID":
      return { name, typeName: "NULL", typeText };
    case "BOOLEAN":
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
    case "DATE":
    case "TIMESTAMP":
    case "BINARY":
    case "ARRAY":
    case "STRUCT":
    case "MAP":
      return { name, typeName, typeText };
    default:
      return { name, typeName: "STRING", typeText: "string" };
  }
}

/** JS values for one chunk column, as the StandInResult contract describes them. */
function columnValues(chunk: DuckDBDataChunk, index: number, type: DuckDBType): unknown[] {
  switch (type.typeId) {
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.HUGEINT:
      // Exact text; the JS converter would turn decimals into doubles.
      return chunk.getColumnValues(index).map((value) => (value === null ? null : String(value)));
    case DuckDBTypeId.MAP:
      // The JS converter gives [{ key, value }, ...]; Databricks renders maps as JSON objects.
      return chunk
        .convertColumnValues(index, JSDuckDBValueConverter)
        .map((entries) =>
          Array.isArray(entries)
            ? Object.fromEntries(
                entries.map((entry) => [
                  String((entry as { key: unknown }).key),
                  (entry as { value: unknown }).value,
                ]),
              )
            : entries,
        );
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.SQLNULL:
      return chunk.convertColumnValues(index, JSDuckDBValueConverter);
    default:
      return chunk.getColumnValues(index).map((value) => (value === null ? null : String(value)));
  }
}

/** Parameters as DuckDB binds them: Dates go in as ISO text (cast in SQL where needed). */
function duckDbValue(value: unknown): DuckDBValue {
  if (value instanceof Date) return value.toISOString();
  if (value === null || ["boolean", "number", "bigint", "string"].includes(typeof value))
    return value as DuckDBValue;
  throw new StandInError(`Unsupported parameter value ${String(value)}`, "22023", "INVALID_PARAMETER_VALUE");
}

function translateDuckDbError(error: unknown): unknown {
  if (error instanceof StandInError || !(error instanceof Error)) return error;
  // Errors raised while running tasks come wrapped by node-api; DuckDB's own text follows.
  const message = error.message.replace(/^Failure running pending result task: /, "");
  if (message.startsWith("Catalog Error"))
    return new StandInError(message, "42P01", "TABLE_OR_VIEW_NOT_FOUND");
  if (message.startsWith("Parser Error")) return new StandInError(message, "42601", "PARSE_SYNTAX_ERROR");
  return message === error.message ? error : new Error(message);
}

class DuckDbTestSession implements StandInSession {
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly executions: RecordedExecution[],
  ) {}

  /**
   * Runs the statement up to its first result chunk one DuckDB task at a time, checking for an
   * abort between tasks. (`connection.stream()` would do it in one native call, and an interrupt
   * arriving before DuckDB has begun executing is lost, leaving the query running.)
   */
  private async startStreaming(
    sql: string,
    values: DuckDBValue[] | Record<string, DuckDBValue> | undefined,
    stopIfAborted: () => void,
  ): Promise<DuckDBResult> {
    const prepared = await this.connection.prepare(sql);
    try {
      if (values) prepared.bind(values);
      const pending = prepared.startStream();
      for (;;) {
        try {
          stopIfAborted();
        } catch (error) {
          // DuckDB's own threads may already be running the pipeline: stop them too, or the
          // statement would keep a core busy after the client saw it cancelled (seen in CI).
          this.connection.interrupt();
          throw error;
        }
        const state = pending.runTask();
        if (state === DuckDBPendingResultState.RESULT_READY) break;
        if (state === DuckDBPendingResultState.NO_TASKS_AVAILABLE) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        } else {
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      return await pending.getResult();
    } finally {
      prepared.destroySync();
    }
  }

  async execute(sql: string, options: StandInExecuteOptions): Promise<StandInResult> {
    const { signal, namedParameters, ordinalParameters } = options;
    let markDone = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      markDone = resolve;
    });
    const record: RecordedExecution = {
      sql,
      namedParameters,
      ordinalParameters,
      signal,
      batchesYielded: 0,
      done,
    };
    this.executions.push(record);
    const values =
      Object.keys(namedParameters).length > 0
        ? Object.fromEntries(
            Object.entries(namedParameters).map(([name, value]) => [name, duckDbValue(value)]),
          )
        : ordinalParameters.length > 0
          ? ordinalParameters.map(duckDbValue)
          : undefined;

    // DuckDB only works inside startStreaming() and fetchChunk(); `busy` says whether it is in one.
    // On abort, a busy call is interrupted (and settles `done` when it fails); otherwise nothing
    // runs and the statement is done at once (the server may never start iterating the batches).
    let busy = true;
    const stop = (): void => {
      signal.removeEventListener("abort", onAbort);
      markDone();
    };
    const onAbort = (): void => {
      if (busy) this.connection.interrupt();
      else stop();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const stopIfAborted = (): void => {
      if (signal.aborted) {
        stop();
        throw signal.reason;
      }
    };

    let result: DuckDBResult;
    try {
      result = await this.startStreaming(sql, values, stopIfAborted);
      busy = false;
    } catch (error) {
      stop();
      throw translateDuckDbError(error);
    }
    const types = result.columnTypes();
    const columns = result.columnNames().map((name, i) => standInColumn(name, types[i] as DuckDBType));

    async function* batches(): AsyncGenerator<unknown[][]> {
      try {
        for (;;) {
          stopIfAborted();
          busy = true;
          const chunk = await result.fetchChunk();
          busy = false;
          if (!chunk || chunk.rowCount === 0) return;
          const vectors = types.map((type, i) => columnValues(chunk, i, type));
          const rows: unknown[][] = [];
          for (let row = 0; row < chunk.rowCount; row++) rows.push(vectors.map((vector) => vector[row]));
          record.batchesYielded += 1;
          yield rows;
        }
      } catch (error) {
        throw translateDuckDbError(error);
      } finally {
        stop();
      }
    }
    return { columns, batches: batches() };
  }

  async close(): Promise<void> {
    this.connection.closeSync();
  }
}

export class DuckDbTestBackend implements StandInBackend {
  readonly executions: RecordedExecution[] = [];
  readonly openedWith: { token: string; namespace: { catalog?: string; schema?: string } }[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly acceptedTokens: readonly string[],
  ) {}

  static async create(acceptedTokens: readonly string[] = ["dapi-test-token"]): Promise<DuckDbTestBackend> {
    return new DuckDbTestBackend(await DuckDBInstance.create(":memory:"), acceptedTokens);
  }

  async openSession(
    token: string,
    namespace: { catalog?: string; schema?: string },
  ): Promise<StandInSession> {
    this.openedWith.push({ token, namespace });
    if (!this.acceptedTokens.includes(token)) {
      throw new StandInError("Invalid access token.", "28000", "INVALID_TOKEN");
    }
    return new DuckDbTestSession(await this.instance.connect(), this.executions);
  }

  close(): void {
    this.instance.closeSync();
  }
}
