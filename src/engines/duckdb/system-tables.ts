import {
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBInstance,
  DuckDBTimestampValue,
} from "@duckdb/node-api";
import type { InferenceLog } from "../../monitoring/inference-log.js";
import { SERVING_SCHEMA, SYSTEM_CATALOG } from "../../monitoring/system-catalog.js";
import { duckdbDatabaseOf, quoteIdentifier } from "./duckdb-catalog-names.js";

const DATABASE = duckdbDatabaseOf(SYSTEM_CATALOG);

/** Each system table's columns. */
const TABLES: Readonly<Record<string, string>> = {
  inference_log: `id BIGINT, statement_id VARCHAR, recorded_at TIMESTAMP, principal VARCHAR, source VARCHAR,
    function_name VARCHAR, model_name VARCHAR, model_version INTEGER, model_uri VARCHAR,
    registry VARCHAR, route VARCHAR, rows_scored BIGINT, latency_ms DOUBLE, status VARCHAR,
    error_class VARCHAR`,
  inference_samples: "log_id BIGINT, sample INTEGER, inputs JSON, prediction JSON",
};

function appendText(appender: DuckDBAppender, value: string | null): void {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

/**
 * The system tables `system.serving.inference_log` and `system.serving.inference_samples` in a
 * session: an in-memory DuckDB database filled from the workspace's log (which other processes
 * append to), brought up to date before each statement that reads them. They are governed like
 * any table: the workspace owner reads them, others need SELECT granted.
 */
export class SystemTables {
  private loadedUpTo = 0;

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly log: InferenceLog,
  ) {}

  /**
   * Attaches the system database on the session's connection; rows are appended through a
   * connection of their own, so an append never joins (or is rolled back with) a user's script
   * transaction, which DuckDB would refuse anyway: one transaction writes one database.
   */
  static async attach(
    instance: DuckDBInstance,
    connection: DuckDBConnection,
    log: InferenceLog,
  ): Promise<SystemTables> {
    await connection.run(`ATTACH ':memory:' AS ${quoteIdentifier(DATABASE)}`);
    const schema = `${quoteIdentifier(DATABASE)}.${quoteIdentifier(SERVING_SCHEMA)}`;
    await connection.run(`CREATE SCHEMA ${schema}`);
    for (const [table, columns] of Object.entries(TABLES)) {
      await connection.run(`CREATE TABLE ${schema}.${quoteIdentifier(table)} (${columns})`);
    }
    return new SystemTables(await instance.connect(), log);
  }

  close(): void {
    this.connection.closeSync();
  }

  /** Appends what the log gained since the last refresh. */
  async refresh(): Promise<void> {
    const { entries, samples } = this.log.entriesAfter(this.loadedUpTo);
    if (entries.length === 0) return;
    // Both tables in one transaction of this connection: all of a refresh is kept, or none.
    await this.connection.run("BEGIN TRANSACTION");
    try {
      const logAppender = await this.connection.createAppender("inference_log", SERVING_SCHEMA, DATABASE);
      for (const entry of entries) {
        logAppender.appendBigInt(BigInt(entry.id));
        logAppender.appendVarchar(entry.statement_id);
        logAppender.appendTimestamp(new DuckDBTimestampValue(BigInt(entry.recorded_at) * 1000n));
        logAppender.appendVarchar(entry.principal);
        logAppender.appendVarchar(entry.source);
        logAppender.appendVarchar(entry.function_name);
        logAppender.appendVarchar(entry.model_name);
        if (entry.model_version === null) logAppender.appendNull();
        else logAppender.appendInteger(entry.model_version);
        logAppender.appendVarchar(entry.model_uri);
        logAppender.appendVarchar(entry.registry);
        appendText(logAppender, entry.route);
        logAppender.appendBigInt(BigInt(entry.rows_scored));
        logAppender.appendDouble(entry.latency_ms);
        logAppender.appendVarchar(entry.status);
        appendText(logAppender, entry.error_class);
        logAppender.endRow();
      }
      logAppender.closeSync();
      const sampleAppender = await this.connection.createAppender(
        "inference_samples",
        SERVING_SCHEMA,
        DATABASE,
      );
      for (const sample of samples) {
        sampleAppender.appendBigInt(BigInt(sample.log_id));
        sampleAppender.appendInteger(sample.sample);
        sampleAppender.appendVarchar(sample.inputs);
        sampleAppender.appendVarchar(sample.prediction);
        sampleAppender.endRow();
      }
      sampleAppender.closeSync();
      await this.connection.run("COMMIT");
    } catch (error) {
      await this.connection.run("ROLLBACK");
      throw error;
    }
    this.loadedUpTo = (entries[entries.length - 1] as { id: number }).id;
  }
}
