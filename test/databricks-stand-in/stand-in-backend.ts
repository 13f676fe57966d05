/**
 * The contract between the Databricks SQL stand-in server and whatever actually runs the SQL.
 *
 * The server owns the wire protocol (Thrift TCLIService over HTTPS, as spoken by the stock
 * `@databricks/sql` driver); a backend only sees SQL text, parameters as JS values and an
 * abort signal, and answers with typed columns plus lazily produced row batches.
 */

/**
 * The Databricks type of a result column, by its TTypeId name without the `_TYPE` suffix. The
 * server picks the Thrift column encoding from it (see column-encoding.ts).
 */
export type StandInTypeName =
  | "STRING"
  | "INT"
  | "BIGINT"
  | "DOUBLE"
  | "FLOAT"
  | "BOOLEAN"
  | "DECIMAL"
  | "DATE"
  | "TIMESTAMP"
  | "ARRAY"
  | "STRUCT"
  | "MAP"
  | "SMALLINT"
  | "TINYINT"
  | "BINARY"
  | "NULL";

/**
 * Column as Databricks reports it: a type name of TTypeId and the full Spark type text (e.g.
 * "array<double>", "struct<label:string,p:double>", "decimal(10,2)"). `precision`/`scale` are
 * sent as the DECIMAL type qualifiers, which is where Databricks puts them.
 */
export interface StandInColumn {
  name: string;
  typeName: StandInTypeName;
  typeText: string;
  precision?: number;
  scale?: number;
}

export interface StandInResult {
  columns: StandInColumn[];
  /**
   * Batches of rows (each row has one value per column, in column order). Values are JS values:
   * null, boolean, number, bigint, string, Date, Uint8Array (BINARY), or plain arrays/objects (or a
   * Map) for ARRAY/STRUCT/MAP. DECIMAL accepts number, bigint or an exact decimal string;
   * DATE/TIMESTAMP accept a Date (rendered in UTC) or an already formatted string.
   *
   * The server pulls batches only when a FetchResults page needs them (plus one batch of
   * look-ahead), so a backend may stream arbitrarily large results. The server calls `return()` on
   * the iterator when the operation is cancelled or closed early.
   */
  batches: AsyncIterable<unknown[][]>;
}

/**
 * An error with the parts Databricks shows: it reaches the client as
 * `[errorClass] message SQLSTATE: sqlState` (the rendering Databricks uses for its error classes),
 * with `sqlState` also in the operation status's own `sqlState` field.
 */
export class StandInError extends Error {
  constructor(
    message: string,
    readonly sqlState: string,
    readonly errorClass: string,
  ) {
    super(message);
    this.name = "StandInError";
  }
}

/**
 * Statement parameters, already decoded from the driver's `TSparkParameter` list (every value is
 * sent as a string plus a Spark type name; see spark-parameters.ts for the mapping). The driver
 * refuses to send named and ordinal parameters together, so at most one of these is non-empty.
 */
export interface StandInExecuteOptions {
  /** Aborted when the client cancels or closes the operation (or the session/server closes). */
  signal: AbortSignal;
  namedParameters: Record<string, unknown>;
  ordinalParameters: unknown[];
}

export interface StandInSession {
  /**
   * Runs one statement. Resolving means the statement is running and its columns are known; the
   * operation becomes FINISHED once the first batch has been produced too, so an error raised while
   * computing the first batch still surfaces as a failed statement rather than a failed fetch.
   * Throw (or reject) with StandInError for an SQL error; any other Error is reported as
   * `[INTERNAL_ERROR] … SQLSTATE: XX000`.
   */
  execute(sql: string, options: StandInExecuteOptions): Promise<StandInResult>;
  close(): Promise<void>;
}

export interface StandInBackend {
  /**
   * Called per OpenSession with the bearer token from the HTTP Authorization header and the
   * initial namespace, if the client sent one. Throw StandInError for a bad token: the client's
   * `openSession()` rejects with its rendered message.
   */
  openSession(token: string, namespace: { catalog?: string; schema?: string }): Promise<StandInSession>;
}
