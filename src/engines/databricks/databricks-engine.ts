import { ModelSqlError } from "../../errors.js";
import type { PlainValue } from "../duckdb/result-values.js";
import type { Engine, EngineColumn, EngineResult } from "../engine.js";
import type { DatabricksConnectionSettings } from "./databricks-connection-settings.js";
import { translateDatabricksError } from "./databricks-error-translation.js";

/**
 * The subset of @databricks/sql this engine uses (its DBSQLClient, session and operation),
 * declared here so the rest of modelsql never imports the driver (ARCHITECTURE.md).
 */
interface DriverOperation {
  getSchema(): Promise<{
    columns: { columnName: string; typeDesc: { types: { primitiveEntry?: { type: number } | null }[] } }[];
  } | null>;
  fetchChunk(options: { maxRows: number }): Promise<object[]>;
  hasMoreRows(): Promise<boolean>;
  cancel(): Promise<unknown>;
  close(): Promise<unknown>;
}
interface DriverSession {
  executeStatement(
    sql: string,
    options: { runAsync: boolean; queryTimeout?: number },
  ): Promise<DriverOperation>;
  close(): Promise<unknown>;
}
interface DriverClient {
  connect(options: Record<string, unknown>): Promise<DriverClient>;
  openSession(): Promise<DriverSession>;
  close(): Promise<unknown>;
}

/** Thrift TTypeId numbers as Databricks names them (TCLIService_types). */
const TYPE_NAMES = [
  "BOOLEAN",
  "TINYINT",
  "SMALLINT",
  "INT",
  "BIGINT",
  "FLOAT",
  "DOUBLE",
  "STRING",
  "TIMESTAMP",
  "BINARY",
  "ARRAY",
  "MAP",
  "STRUCT",
  "UNIONTYPE",
  "USER_DEFINED",
  "DECIMAL",
  "NULL",
  "DATE",
  "VARCHAR",
  "CHAR",
  "INTERVAL_YEAR_MONTH",
  "INTERVAL_DAY_TIME",
];

const FETCH_ROWS = 10_000;

/** A driver value as plain data, as local results are: exact integers as numbers or digit strings. */
function plain(value: unknown): PlainValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, plain(item)]),
    );
  }
  return value as PlainValue;
}

/** Quiet unless MODELSQL_DEBUG is set: the driver logs every request at info level by default. */
const quietLogger = {
  log(level: string, message: string): void {
    if (process.env.MODELSQL_DEBUG) process.stderr.write(`[databricks ${level}] ${message}\n`);
  },
};

/**
 * Runs SQL on a Databricks SQL warehouse with the stock @databricks/sql driver, over its Thrift
 * protocol: telemetry off unless asked for, results fetched in chunks as they are read, and a
 * statement cancelled on the warehouse when the caller's signal aborts (Ctrl-C, a timeout).
 */
export class DatabricksEngine implements Engine {
  private constructor(
    private readonly client: DriverClient,
    private readonly session: DriverSession,
    private readonly settings: DatabricksConnectionSettings,
  ) {}

  static async connect(
    settings: DatabricksConnectionSettings,
    options: { telemetry?: boolean } = {},
  ): Promise<DatabricksEngine> {
    const driver = (await import("@databricks/sql")) as unknown as {
      DBSQLClient: new (options: { logger: typeof quietLogger }) => DriverClient;
    };
    const client = new driver.DBSQLClient({ logger: quietLogger });
    try {
      await client.connect({
        host: settings.host,
        port: settings.port,
        path: settings.httpPath,
        token: settings.token,
        telemetryEnabled: options.telemetry ?? false,
        preserveBigNumericPrecision: true,
        userAgentEntry: "modelsql",
      });
      const session = await client.openSession();
      return new DatabricksEngine(client, session, settings);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw translateDatabricksError(error, { host: settings.host });
    }
  }

  async execute(
    sql: string,
    options: { signal: AbortSignal; timeoutSeconds?: number },
  ): Promise<EngineResult> {
    const fail = (error: unknown) => translateDatabricksError(error, { host: this.settings.host, sql });
    let operation: DriverOperation;
    try {
      operation = await this.session.executeStatement(sql, { runAsync: true });
    } catch (error) {
      throw fail(error);
    }
    let cancelled: string | undefined;
    const cancel = (reason: string) => {
      cancelled ??= reason;
      operation.cancel().catch(() => undefined);
    };
    const onAbort = () => cancel(String(options.signal.reason ?? "cancelled"));
    options.signal.addEventListener("abort", onAbort, { once: true });
    const timer =
      options.timeoutSeconds !== undefined
        ? setTimeout(
            () => cancel(`timed out after ${options.timeoutSeconds} s`),
            options.timeoutSeconds * 1000,
          )
        : undefined;
    const finish = async () => {
      options.signal.removeEventListener("abort", onAbort);
      if (timer) clearTimeout(timer);
      await operation.close().catch(() => undefined);
    };
    const cancelledError = (error: unknown) =>
      cancelled
        ? new ModelSqlError(
            "OPERATION_CANCELLED",
            `The statement on Databricks was cancelled: ${cancelled}`,
            { cause: error },
          )
        : fail(error);
    if (options.signal.aborted) onAbort();
    let columns: EngineColumn[];
    try {
      const schema = await operation.getSchema();
      columns = (schema?.columns ?? []).map((column) => ({
        name: column.columnName,
        type: TYPE_NAMES[column.typeDesc.types[0]?.primitiveEntry?.type ?? -1] ?? "UNKNOWN",
      }));
    } catch (error) {
      await finish();
      throw cancelledError(error);
    }
    const names = columns.map((column) => column.name);
    async function* batches(): AsyncGenerator<PlainValue[][]> {
      try {
        while (await operation.hasMoreRows()) {
          const rows = (await operation.fetchChunk({ maxRows: FETCH_ROWS })) as Record<string, unknown>[];
          if (cancelled) throw new Error(cancelled);
          if (rows.length > 0) yield rows.map((row) => names.map((name) => plain(row[name])));
        }
      } catch (error) {
        throw cancelledError(error);
      } finally {
        await finish();
      }
    }
    return { columns, batches: batches() };
  }

  async close(): Promise<void> {
    await this.session.close().catch(() => undefined);
    await this.client.close().catch(() => undefined);
  }
}
