import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBResult,
  StatementType,
} from "@duckdb/node-api";
import type { SessionDefaults } from "../../catalog/workspace-settings.js";
import { describeCause, ModelSqlError, type SqlPosition } from "../../errors.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import type { RequiredPrivilege } from "../../governance/authorization.js";
import {
  type PlainResult,
  runGovernanceStatement,
  securableExists,
} from "../../governance/governance-runner.js";
import { ModelSessionCache } from "../../models/model-session-cache.js";
import type { InferenceSource } from "../../monitoring/inference-log.js";
import { SYSTEM_CATALOG } from "../../monitoring/system-catalog.js";
import {
  type AnalysedStatement,
  analyseStatement,
  type QueryParse,
} from "../../sql/analyse/statement-analysis.js";
import { rewriteCatalogNames } from "../../sql/rewrite/catalog-names-rewrite.js";
import { qualifyEdits } from "../../sql/rewrite/qualify-names.js";
import type { EditedText } from "../../sql/rewrite/text-edits.js";
import { caretSnippet, positionOf, splitStatements } from "../../sql/sql-tokens.js";
import type { Workspace } from "../../workspace.js";
import { CompiledRoutes } from "./compiled-routes.js";
import {
  catalogOfDuckdbDatabase,
  duckdbDatabaseOf,
  quoteIdentifier,
  quoteLiteral,
} from "./duckdb-catalog-names.js";
import { type FailedStatement, translateDuckdbError } from "./duckdb-error-translation.js";
import { createMacroSql, macroLocation } from "./function-macros.js";
import { DEFAULT_SAMPLE_ROWS, InferenceRecording } from "./inference-recording.js";
import { checkPredictionCalls } from "./prediction-call-checks.js";
import type { ScoringHooks } from "./prediction-udf.js";
import { ReferenceResolver, type Relation, type ResolvedReference } from "./reference-resolution.js";
import { prepareSingleStatement, STATEMENT_TYPES } from "./single-statement.js";
import { requiredPrivileges, schemaName, targetName } from "./statement-authorization.js";
import { SystemTables } from "./system-tables.js";
import { type BoundVersion, UdfRegistrations } from "./udf-registrations.js";

export interface LocalSessionOptions {
  /** Overrides the workspace's session defaults. */
  readonly defaults?: Partial<SessionDefaults>;
  /** ONNX Runtime intra-op threads per run (default: the machine's cores). */
  readonly intraOpThreads?: number;
  /** DuckDB worker threads (default: DuckDB's own, the machine's cores). */
  readonly duckdbThreads?: number;
  /** Who runs the statements; their privileges are checked (default: the workspace owner). */
  readonly principal?: string;
  /** Where statements come from, as the inference log records it (default: session). */
  readonly source?: InferenceSource;
  /**
   * Where the catalogs live: the workspace's data files (default), or empty in-memory databases
   * for a session that only scores rows it is given (the server's invocation workers), which
   * then never holds the data files.
   */
  readonly catalogData?: "files" | "memory";
  /**
   * Who is locked out of files: everyone but the owner (default), or everyone, for a server
   * whose sessions change principal per statement (DuckDB's setting is instance-wide).
   */
  readonly lockdown?: "non-owners" | "everyone";
  /** Rows per function and statement the inference log samples (default 100). */
  readonly sampleRows?: number;
}

/** One statement as it was run: the user's text, what DuckDB ran, and the versions bound. */
export interface ExecutedStatement {
  readonly analysis: AnalysedStatement;
  /** The privileges checked before it ran. */
  readonly privileges: readonly RequiredPrivilege[];
  /** The session's current schema when it ran, `catalog.schema`. */
  readonly currentSchema: string;
  /** Its references with what they resolved to. */
  readonly resolved: readonly ResolvedReference[];
  readonly executedText: string;
  readonly boundVersions: ReadonlyMap<string, BoundVersion>;
  /** What error translation needs to explain a failure of this statement. */
  readonly failure: FailedStatement;
}

/**
 * A local engine session over a workspace: DuckDB in this process, with the workspace's data
 * files attached (one per catalog), every prediction function as a vectorized ONNX UDF, and the
 * Unity Catalog names of the statements mapped onto DuckDB's. Every statement is analysed and
 * rewritten before it runs, and the functions' aliases and stages are resolved just before.
 */
export class LocalSession {
  private hooks: ScoringHooks = {};
  private transactionOpen = false;
  private systemTables: SystemTables | undefined;
  private macrosInSync = "";

  private constructor(
    private readonly workspace: Workspace,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private readonly sessions: ModelSessionCache,
    private readonly udfs: UdfRegistrations,
    /** The principal whose privileges every statement is checked against. */
    private currentPrincipal: string,
    private recording: InferenceRecording,
    private readonly catalogData: "files" | "memory",
    /** Rows per function and statement the inference log keeps as its sample. */
    private readonly sampleRows: number,
  ) {}

  /** The principal whose privileges every statement is checked against. */
  get principal(): string {
    return this.currentPrincipal;
  }

  /**
   * Runs the next statements as another principal, recorded as coming from `source`: the
   * server's sessions serve one request after another, each as its token's principal. Only
   * between statements, and only in a session locked down for everyone, so that no principal
   * inherits the owner's file access.
   */
  actAs(principal: string, source: InferenceSource, options: { statementId?: string } = {}): void {
    if (this.transactionOpen) {
      throw new ModelSqlError("INTERNAL_ERROR", "A session cannot change principal inside a transaction");
    }
    if (!this.lockedForEveryone) {
      throw new ModelSqlError(
        "INTERNAL_ERROR",
        "Only a session locked down for everyone can change principal",
      );
    }
    this.workspace.principals.get(principal);
    this.currentPrincipal = principal;
    this.recording = new InferenceRecording(
      this.workspace.inferenceLog,
      principal,
      this.workspace.registry.location,
      source,
      this.sampleRows,
      options.statementId,
    );
  }

  private lockedForEveryone = false;

  static async open(workspace: Workspace, options: LocalSessionOptions = {}): Promise<LocalSession> {
    const config: Record<string, string> = {};
    if (options.duckdbThreads) config.threads = String(options.duckdbThreads);
    const instance = await DuckDBInstance.create(":memory:", config);
    const connection = await instance.connect();
    const sessions = new ModelSessionCache(options.intraOpThreads);
    let session: LocalSession | undefined;
    const hooks: ScoringHooks = {
      onChunkScored: (rows) => session?.hooks.onChunkScored?.(rows),
      onScored: (functionName, rows, read) => session?.recording.offer(functionName, rows, read),
    };
    const principal = options.principal ?? workspace.owner;
    workspace.principals.get(principal);
    session = new LocalSession(
      workspace,
      instance,
      connection,
      sessions,
      new UdfRegistrations(
        connection,
        workspace.registry,
        sessions,
        hooks,
        new CompiledRoutes(workspace.compiledRoutes, sessions),
      ),
      principal,
      new InferenceRecording(
        workspace.inferenceLog,
        principal,
        workspace.registry.location,
        options.source ?? "session",
        options.sampleRows ?? DEFAULT_SAMPLE_ROWS,
      ),
      options.catalogData ?? "files",
      options.sampleRows ?? DEFAULT_SAMPLE_ROWS,
    );
    try {
      session.systemTables = await SystemTables.attach(instance, connection, workspace.inferenceLog);
      await session.attachCatalogs();
      await session.applyDefaults({ ...workspace.settings.sessionDefaults(), ...options.defaults });
      if (options.lockdown === "everyone" || principal !== workspace.owner) {
        // Lockdown for everyone but the owner (or everyone, in the server): DuckDB itself refuses
        // every file read and write from here on (read_csv, 'file.csv', COPY, ATTACH, EXPORT),
        // whatever the analysis misses. The data files are attached already. Settings cannot be
        // changed back: SET is a statement the analysis refuses.
        await connection.run("SET enable_external_access = false");
        session.lockedForEveryone = options.lockdown === "everyone";
      }
    } catch (error) {
      session.close();
      throw error;
    }
    return session;
  }

  /** Attaches data/<catalog>.duckdb for main, every catalog holding a function, and any other file there. */
  private async attachCatalogs(): Promise<void> {
    const catalogs = new Set(["main"]);
    for (const stored of this.workspace.functions.list())
      catalogs.add(stored.definition.name.split(".")[0] as string);
    if (existsSync(this.workspace.paths.data)) {
      for (const file of readdirSync(this.workspace.paths.data))
        if (file.endsWith(".duckdb")) catalogs.add(file.slice(0, -".duckdb".length));
    }
    for (const catalog of catalogs) await this.attachCatalog(catalog);
  }

  private async attachCatalog(catalog: string): Promise<void> {
    const database = duckdbDatabaseOf(catalog);
    const attached = await this.connection.runAndReadAll(
      `SELECT 1 FROM duckdb_databases() WHERE database_name = ${quoteLiteral(database)}`,
    );
    if (attached.currentRowCount > 0) return;
    this.forgetCatalogState();
    if (this.catalogData === "memory") {
      await this.connection.run(`ATTACH ':memory:' AS ${quoteIdentifier(database)}`);
      return;
    }
    const file = path.join(this.workspace.paths.data, `${catalog}.duckdb`);
    try {
      await this.connection.run(`ATTACH ${quoteLiteral(file)} AS ${quoteIdentifier(database)}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ModelSqlError(
        "SQL_EXECUTION_ERROR",
        `Cannot open the data of catalog ${catalog} (${file}): ${reason}`,
        {
          hint: /lock/i.test(reason)
            ? "Another modelsql process holds this workspace's data (a running command, or `modelsql serve`: query through its statements API); run the command again when it ends."
            : this.lockedForEveryone
              ? "The server opens the catalogs that exist when it starts; restart modelsql serve to open this one."
              : undefined,
          cause: error,
        },
      );
    }
  }

  /**
   * Sets the current schema and the search path (tables and functions) in DuckDB's terms. The
   * owner's settings create missing schemas unless `createMissing` is false (the server, whose
   * requests name schemas that must exist).
   */
  async applyDefaults(defaults: SessionDefaults, options: { createMissing?: boolean } = {}): Promise<void> {
    const schemas = [defaults.currentSchema, ...defaults.path].map((text) => {
      const [catalog, schema] = text.split(".");
      if (!catalog || !schema)
        throw new ModelSqlError("INVALID_PARAMETER_VALUE", `'${text}' is not catalog.schema`);
      return { catalog: catalog.toLowerCase(), schema: schema.toLowerCase() };
    });
    const owner = this.principal === this.workspace.owner && options.createMissing !== false;
    for (const { catalog, schema } of schemas) {
      const file = path.join(this.workspace.paths.data, `${catalog}.duckdb`);
      // Only the owner's session settings create catalogs and schemas; anyone else's must name
      // existing ones, so that choosing a schema never changes the workspace for others.
      // In-memory catalogs change nothing of the workspace: their schemas are made as needed.
      const memory = this.catalogData === "memory";
      if (!owner && !memory && catalog !== "main" && !existsSync(file)) {
        throw new ModelSqlError("INVALID_PARAMETER_VALUE", `There is no catalog ${catalog}`, {
          hint: "Name an existing catalog.schema.",
        });
      }
      await this.attachCatalog(catalog);
      const database = duckdbDatabaseOf(catalog);
      const exists = await this.connection.runAndReadAll(
        "SELECT count(*) AS n FROM duckdb_schemas() WHERE database_name = $1 AND schema_name = $2",
        [database, schema],
      );
      if (Number(exists.getRowObjects()[0]?.n) > 0) continue;
      if (!owner && !memory)
        throw new ModelSqlError("INVALID_PARAMETER_VALUE", `There is no schema ${catalog}.${schema}`, {
          hint: "Name an existing catalog.schema.",
        });
      await this.connection.run(
        `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(database)}.${quoteIdentifier(schema)}`,
      );
      if (!memory)
        this.workspace.grants.setOwner(
          { type: "SCHEMA", name: `${catalog}.${schema}` },
          this.workspace.owner,
        );
    }
    const places = schemas.map(({ catalog, schema }) => ({ database: duckdbDatabaseOf(catalog), schema }));
    const first = places[0] as { database: string; schema: string };
    await this.connection.run(`USE ${quoteIdentifier(first.database)}.${quoteIdentifier(first.schema)}`);
    this.searchPath = places.slice(1);
    await this.restoreSearchPath();
  }

  /** The path schemas, in DuckDB's names, searched after the current schema. */
  private searchPath: { database: string; schema: string }[] = [];

  /**
   * DuckDB's current schema as last read, and its tables and views. Both change only through
   * this session's own statements (the data files are held by this process alone), so they are
   * read again only after a statement that may change them (USE; anything but a query), a
   * rollback, or a new catalog: planning a query then asks DuckDB nothing but its parse.
   */
  private currentPlace: { database: string; schema: string } | undefined;
  private relations: ReadonlyMap<string, Relation> | undefined;

  private forgetCatalogState(): void {
    this.currentPlace = undefined;
    this.relations = undefined;
  }

  /** Where unqualified names resolve, in order: the current schema, then the path. */
  private async resolutionPath(): Promise<{ database: string; schema: string }[]> {
    if (!this.currentPlace) {
      const reader = await this.connection.runAndReadAll(
        "SELECT current_database() AS db, current_schema() AS schema",
      );
      const row = reader.getRowObjects()[0] as { db: string; schema: string };
      this.currentPlace = { database: row.db, schema: row.schema };
    }
    return [this.currentPlace, ...this.searchPath];
  }

  /**
   * Sets DuckDB's search path to the current schema followed by the session's path. Run after
   * every USE too: DuckDB's USE replaces the whole search path, but a Unity Catalog USE changes
   * only the current schema, and functions on the path must stay callable.
   */
  private async restoreSearchPath(): Promise<void> {
    this.currentPlace = undefined;
    const places = await this.resolutionPath();
    const dotted = places.map(
      (place) => `${quoteIdentifier(place.database)}.${quoteIdentifier(place.schema)}`,
    );
    await this.connection.run(`SET search_path = ${quoteLiteral(dotted.join(","))}`);
  }

  /** Creates, replaces and drops macros so DuckDB's match the function catalog. */
  private async syncMacros(definitions: readonly FunctionDefinition[]): Promise<void> {
    const wantedMacros = definitions.flatMap((definition) => {
      const targets = this.udfs.targets(definition.name);
      return targets ? [{ definition, targets }] : [];
    });
    const signature = JSON.stringify(wantedMacros);
    if (signature === this.macrosInSync) return;
    for (const { definition, targets } of wantedMacros) {
      try {
        await this.attachCatalog(definition.name.split(".")[0] as string);
      } catch (error) {
        // A server's engine cannot open a catalog created after it started (files are locked
        // away): that function waits for a restart; every other statement still runs.
        if (!this.lockedForEveryone) throw error;
        process.emitWarning(
          `${definition.name} is not callable until the server restarts: ${describeCause(error)}`,
        );
        continue;
      }
      for (const sql of createMacroSql(definition, targets)) await this.connection.run(sql);
    }
    const wanted = new Set(wantedMacros.map(({ definition }) => JSON.stringify(macroLocation(definition))));
    const existing = await this.connection.runAndReadAll(
      "SELECT DISTINCT database_name AS database, schema_name AS schema, function_name AS name FROM duckdb_functions() WHERE function_type = 'macro' AND macro_definition LIKE '%\"modelsql:%'",
    );
    for (const row of existing.getRowObjects() as { database: string; schema: string; name: string }[]) {
      if (wanted.has(JSON.stringify({ database: row.database, schema: row.schema, name: row.name })))
        continue;
      await this.connection.run(
        `DROP MACRO IF EXISTS ${[row.database, row.schema, row.name].map(quoteIdentifier).join(".")}`,
      );
    }
    this.macrosInSync = signature;
  }

  private volatile: ReadonlySet<string> | undefined;

  /** DuckDB's volatile functions, by its own account. */
  private async volatileFunctions(): Promise<ReadonlySet<string>> {
    if (!this.volatile) {
      const reader = await this.connection.runAndReadAll(
        "SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions() WHERE stability = 'VOLATILE'",
      );
      this.volatile = new Set(reader.getRowObjects().map((row) => String(row.name)));
    }
    return this.volatile;
  }

  private metadata: ReadonlySet<string> | undefined;

  /** DuckDB's built-in macros that read its catalog (pg_get_viewdef, ...), by its own account. */
  private async metadataFunctions(): Promise<ReadonlySet<string>> {
    if (!this.metadata) {
      const reader = await this.connection.runAndReadAll(
        "SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions() WHERE database_name = 'system' AND function_type IN ('macro', 'table_macro') AND (macro_definition ILIKE '%duckdb_%' OR macro_definition ILIKE '%pg_catalog%' OR macro_definition ILIKE '%information_schema%')",
      );
      this.metadata = new Set(reader.getRowObjects().map((row) => String(row.name)));
    }
    return this.metadata;
  }

  private async parseQuery(query: string): Promise<QueryParse> {
    const reader = await this.connection.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR) AS tree", [
      query,
    ]);
    const tree = JSON.parse(String(reader.getRowObjects()[0]?.tree)) as Record<string, unknown>;
    if (tree.error) {
      const offset = tree.position === undefined ? undefined : Number(tree.position);
      const unsupported = tree.error_type !== "parser";
      return { ok: false, message: String(tree.error_message ?? "syntax error"), offset, unsupported };
    }
    const statements = tree.statements as unknown[];
    if (statements.length !== 1) return { ok: false, message: "expected one query", offset: 0 };
    return { ok: true, tree: statements[0] };
  }

  /** Observers for the statements that follow (progress, cancellation). */
  setScoringHooks(hooks: ScoringHooks): void {
    this.hooks = hooks;
  }

  /**
   * Runs a script: every statement but the last runs to completion; the last one's result is
   * returned as a stream, so a long result never sits in memory whole.
   */
  async execute(script: string): Promise<{ result: DuckDBResult; statement: ExecutedStatement }> {
    const statements = splitStatements(script);
    if (statements.length === 0) {
      throw new ModelSqlError("PARSE_SYNTAX_ERROR", "There is no statement to run", {
        hint: "Pass a SQL statement.",
      });
    }
    await this.complete(true);
    await this.bindFunctions();
    this.recording.begin();
    // A script runs in one transaction: if any statement fails, none of them stays done.
    const transactional = statements.length > 1;
    try {
      // The system tables are brought up to date outside the script's transaction, whose
      // snapshot would not see rows appended later (they are appended on their own connection).
      if (transactional && /\bsystem\b/i.test(script)) await this.systemTables?.refresh();
      if (transactional) await this.connection.run("BEGIN TRANSACTION");
      const last = await this.executeEach(script, statements);
      this.transactionOpen = transactional;
      return last;
    } catch (error) {
      this.finishRecording(false, error);
      if (transactional) await this.rollback();
      throw error;
    }
  }

  /**
   * Ends the running statement's inference record. A log that cannot be written (a read-only or
   * busy metadata store) is warned about and never fails or undoes the statement itself.
   */
  private finishRecording(success: boolean, error?: unknown): void {
    const failure = error instanceof ModelSqlError ? error : undefined;
    const status = success
      ? "succeeded"
      : failure?.errorClass === "OPERATION_CANCELLED"
        ? "cancelled"
        : "failed";
    try {
      this.recording.finish(status, failure);
    } catch (writeError) {
      process.emitWarning(`modelsql could not write the inference log: ${describeCause(writeError)}`);
    }
  }

  /**
   * Ends the transaction of the last script run, once its result has been read: commits it, or
   * on failure rolls it back. A single statement commits on its own; this is then a no-op.
   */
  async complete(success: boolean, error?: unknown): Promise<void> {
    if (this.transactionOpen) {
      this.transactionOpen = false;
      try {
        if (success) await this.connection.run("COMMIT");
        else await this.rollback();
      } catch (commitError) {
        this.finishRecording(false, commitError);
        throw commitError;
      }
    }
    this.finishRecording(success, error);
  }

  private async rollback(): Promise<void> {
    this.transactionOpen = false;
    this.forgetCatalogState();
    await this.connection.run("ROLLBACK");
  }

  /**
   * Resolves every function's alias or stage and brings the UDFs and macros up to date, outside
   * any transaction: a UDF registered inside one disappears when it rolls back (seen on 1.5.6).
   * UDFs first: DuckDB checks at CREATE MACRO that the functions a macro calls exist.
   */
  private async bindFunctions(): Promise<FunctionDefinition[]> {
    const definitions = this.workspace.functions.list().map((stored) => stored.definition);
    await this.udfs.refresh(definitions);
    await this.syncMacros(definitions);
    this.definitions = definitions;
    return definitions;
  }

  private definitions: FunctionDefinition[] = [];

  private async executeEach(
    script: string,
    statements: readonly { text: string; offset: number }[],
  ): Promise<{ result: DuckDBResult; statement: ExecutedStatement }> {
    let last: { result: DuckDBResult; statement: ExecutedStatement } | undefined;
    for (const [index, { text, offset }] of statements.entries()) {
      const statement = await this.prepare(script, text, offset);
      this.recording.noteCalled(calledFunctions(statement), statement.boundVersions);
      const existedBefore = await this.targetExistsNow(statement);
      if (!CATALOG_PRESERVING_KINDS.has(statement.analysis.kind)) this.forgetCatalogState();
      try {
        const result =
          statement.analysis.kind === "governance"
            ? await this.plainResult(
                await runGovernanceStatement(statement.analysis.statement, {
                  workspace: this.workspace,
                  principal: this.principal,
                  currentSchema: statement.currentSchema,
                }),
              )
            : await this.runChecked(statement, index === statements.length - 1);
        if (statement.analysis.kind === "use") await this.restoreSearchPath();
        this.recordOwnership(statement, existedBefore);
        last = { result, statement };
      } catch (error) {
        if (error instanceof ModelSqlError) throw error;
        throw await translateDuckdbError(error, statement.failure);
      }
    }
    return last as { result: DuckDBResult; statement: ExecutedStatement };
  }

  /**
   * Runs one query (a SELECT) inside SQL that modelsql writes around it, such as
   * `COPY (<query>) TO 'file' (FORMAT parquet)`: the query is analysed, rewritten and bound like
   * any statement; the wrapper is modelsql's own and not the user's to change.
   */
  async runWrapped(query: string, wrap: (executedQuery: string) => string): Promise<ExecutedStatement> {
    await this.complete(true);
    // The wrapper may create a table (score --output main.sales.scores).
    this.forgetCatalogState();
    await this.bindFunctions();
    this.recording.begin();
    try {
      const statement = await this.prepare(query, query, 0, { allowInternal: true });
      if (statement.analysis.kind !== "query") {
        throw new ModelSqlError("UNSUPPORTED_STATEMENT", "Only a query can be wrapped");
      }
      this.recording.noteCalled(calledFunctions(statement), statement.boundVersions);
      try {
        const prepared = await prepareSingleStatement(this.connection, wrap(statement.executedText), [
          StatementType.COPY,
          StatementType.CREATE,
        ]);
        await prepared.run();
      } catch (error) {
        if (error instanceof ModelSqlError) throw error;
        throw await translateDuckdbError(error, statement.failure);
      }
      this.finishRecording(true);
      return statement;
    } catch (error) {
      this.finishRecording(false, error);
      throw error;
    }
  }

  /**
   * Runs a query modelsql writes itself with parameters bound by `bind` (the server's
   * invocations: one function call over rows passed as lists). It is analysed, rewritten and
   * authorized like any statement, but its analysis is kept per text, principal, function
   * catalog and function owners, and its DuckDB preparation per model versions bound, so that a
   * request pays for neither again. The privileges are checked on every run against the grants
   * as they are then, and the functions' aliases are resolved as for any statement. The caller
   * reads the result and ends the statement with complete().
   */
  async runParameterized(
    query: string,
    bind: (prepared: DuckDBPreparedStatement) => void,
  ): Promise<{ result: DuckDBResult; statement: ExecutedStatement }> {
    await this.complete(true);
    const definitions = await this.bindFunctions();
    const owners = definitions.map((definition) =>
      this.workspace.authorizer.ownerOf({ type: "FUNCTION", name: definition.name }),
    );
    const key = JSON.stringify([query, this.principal, definitions, owners]);
    let analysed = this.parameterizedAnalyses.get(key);
    if (analysed) this.workspace.authorizer.require(analysed.privileges);
    else {
      analysed = await this.prepare(query, query, 0);
      if (analysed.analysis.kind !== "query") {
        throw new ModelSqlError("UNSUPPORTED_STATEMENT", "Only a query can run with bound parameters");
      }
      if (this.parameterizedAnalyses.size >= 100) this.parameterizedAnalyses.clear();
      this.parameterizedAnalyses.set(key, analysed);
    }
    const statement: ExecutedStatement = { ...analysed, boundVersions: this.udfs.current };
    this.recording.begin();
    this.recording.noteCalled(calledFunctions(statement), statement.boundVersions);
    try {
      // A prepared statement is kept while the versions it calls stay bound.
      const versions = JSON.stringify(
        [...statement.boundVersions].map(([name, bound]) => [
          name,
          bound.binding?.version.version,
          bound.route?.route,
        ]),
      );
      let prepared = this.preparedParameterized.get(statement.executedText);
      if (!prepared || prepared.versions !== versions) {
        prepared?.statement.destroySync();
        prepared = {
          versions,
          statement: await prepareSingleStatement(
            this.connection,
            statement.executedText,
            STATEMENT_TYPES.query ?? [],
          ),
        };
        this.preparedParameterized.set(statement.executedText, prepared);
      }
      prepared.statement.clearBindings();
      bind(prepared.statement);
      return { result: await prepared.statement.run(), statement };
    } catch (error) {
      const failure =
        error instanceof ModelSqlError ? error : await translateDuckdbError(error, statement.failure);
      this.finishRecording(false, failure);
      throw failure;
    }
  }

  private readonly parameterizedAnalyses = new Map<string, ExecutedStatement>();
  private readonly preparedParameterized = new Map<
    string,
    { versions: string; statement: DuckDBPreparedStatement }
  >();

  /** Analyses and rewrites one statement, and binds every function's model version for it. */
  private async prepare(
    script: string,
    text: string,
    offset: number,
    options: { allowInternal?: boolean; enforce?: boolean } = {},
  ): Promise<ExecutedStatement> {
    const toPosition = (statementOffset: number): SqlPosition => positionOf(script, offset + statementOffset);
    // DuckDB's parser stops reading at a NUL character, so text after one would run, or be sent
    // to another engine, without having been analysed.
    if (text.includes("\u0000")) {
      const position = toPosition(text.indexOf("\u0000"));
      throw new ModelSqlError("PARSE_SYNTAX_ERROR", "The statement contains a NUL character", {
        position,
        snippet: caretSnippet(script, position),
        hint: "Remove it.",
      });
    }
    const parse = (query: string) => this.parseQuery(query);
    const analysis = await analyseStatement(text, parse, { script, offset });
    const definitions = this.definitions;
    checkPredictionCalls(analysis.references, definitions, await this.volatileFunctions(), options);
    const path = await this.resolutionPath();
    this.relations ??= await ReferenceResolver.readRelations(this.connection);
    const resolver = ReferenceResolver.create(this.relations, definitions, path);
    const resolved = analysis.references.map((reference) => resolver.resolve(reference));
    const current = path[0] as { database: string; schema: string };
    const currentSchema = `${catalogOfDuckdbDatabase(current.database)}.${current.schema}`;
    const privileges = await requiredPrivileges(analysis, resolved, {
      principal: this.principal,
      workspaceOwner: this.workspace.owner,
      authorizer: this.workspace.authorizer,
      currentSchema,
      metadataFunctions: await this.metadataFunctions(),
      targetExists: (name) => {
        const [catalog, schema, object] = name.split(".") as [string, string, string];
        const reference = {
          kind: "table" as const,
          catalog,
          schema,
          name: object,
          location: 0,
          enclosingFunctions: [],
        };
        return resolver.resolve(reference).securable !== undefined;
      },
      viewBody: (view) => this.viewBody(view, resolver, parse),
    });
    if (options.enforce !== false) this.workspace.authorizer.require(privileges);
    // The system tables are filled from the workspace's log only when a statement reads them.
    if (privileges.some((check) => check.securable.name.split(".")[0] === SYSTEM_CATALOG)) {
      await this.systemTables?.refresh();
    }
    const qualified = analysis.kind === "create_view" ? qualifyEdits(text, resolved) : [];
    const edited = rewriteCatalogNames(text, analysis, qualified);
    const executed = executedForm(analysis, edited, currentSchema);
    const failure: FailedStatement = {
      executedText: executed.text,
      positionOf: (executedOffset) => toPosition(executed.statementOffset(executedOffset)),
      executedOffsetOf: (statementOffset) => executed.executedOffset(statementOffset),
      userText: script,
      references: analysis.references,
      functions: new Map(definitions.map((definition) => [definition.name, definition])),
      connection: this.connection,
    };
    return {
      analysis,
      executedText: executed.text,
      boundVersions: this.udfs.current,
      failure,
      privileges,
      currentSchema,
      resolved,
    };
  }

  /**
   * Checks that the session's principal may create (or, existing, replace) a table, for SQL
   * modelsql writes itself (`score --output <table>`); returns a function recording it as owner.
   */
  async authorizeTableCreation(name: string): Promise<() => void> {
    const target = { type: "TABLE" as const, name };
    const schema = { type: "SCHEMA" as const, name: name.split(".").slice(0, 2).join(".") };
    const checks: RequiredPrivilege[] = [
      { principal: this.principal, privilege: "CREATE TABLE", securable: schema, reason: `creates ${name}` },
      {
        principal: this.principal,
        privilege: "USE CATALOG",
        securable: { type: "CATALOG", name: name.split(".")[0] as string },
        reason: `creates ${name}`,
      },
      { principal: this.principal, privilege: "USE SCHEMA", securable: schema, reason: `creates ${name}` },
    ];
    if (await securableExists(target, this.workspace)) {
      checks.push({
        principal: this.principal,
        privilege: "MANAGE",
        securable: target,
        reason: `replaces ${name}`,
      });
    }
    this.workspace.authorizer.require(checks);
    return () => this.workspace.grants.setOwner(target, this.principal);
  }

  /**
   * Everything modelsql would do with a script, without running it: for each statement its
   * references and what they resolve to, the model version each prediction function scores with
   * now, every privilege checked (and whether the principal holds it), and the SQL DuckDB would
   * run. USE statements are not applied, so later statements resolve in the current schema.
   */
  async explain(script: string): Promise<ExplainedStatement[]> {
    await this.complete(true);
    await this.bindFunctions();
    const explained: ExplainedStatement[] = [];
    for (const { text, offset } of splitStatements(script)) {
      const statement = await this.prepare(script, text, offset, { enforce: false });
      // Every prediction function the statement reaches, through views too.
      const called = statement.privileges.filter(
        (check) => check.privilege === "EXECUTE" && check.securable.type === "FUNCTION",
      );
      const versions = called.flatMap((check) => {
        const bound = statement.boundVersions.get(check.securable.name);
        return bound
          ? [
              {
                function: bound.definition.name,
                model: bound.definition.model,
                // A run's or logged model's artifact has no version number; `model` names it.
                version:
                  bound.binding && !bound.binding.version.artifactReference
                    ? bound.binding.version.version
                    : null,
                problem: bound.failure?.message ?? null,
                route: bound.route?.route ?? null,
                routeReason: bound.route?.reason ?? null,
              },
            ]
          : [];
      });
      explained.push({
        statement: text.trim(),
        kind: statement.analysis.kind,
        references: statement.resolved.map((entry) => ({
          kind: entry.isView ? "view" : entry.reference.kind,
          written: [entry.reference.catalog, entry.reference.schema, entry.reference.name]
            .filter((part) => part !== "")
            .join("."),
          resolved: entry.securable?.name ?? null,
        })),
        modelVersions: [...new Map(versions.map((version) => [version.function, version])).values()],
        privileges: statement.privileges.map((check) => ({
          principal: check.principal,
          privilege: check.privilege,
          securable: `${check.securable.type} ${check.securable.name}`,
          reason: check.reason,
          held: this.workspace.authorizer.has(check.principal, check.privilege, check.securable),
        })),
        executedSql: statement.analysis.kind === "governance" ? null : statement.executedText.trim(),
      });
    }
    return explained;
  }

  /**
   * Analyses, resolves and (unless told not to) authorizes each statement of a script for an
   * engine other than this one (Databricks): the same checks as a local run, and nothing runs.
   */
  async plan(script: string, options: { enforce: boolean }): Promise<PlannedStatement[]> {
    await this.complete(true);
    await this.bindFunctions();
    const planned: PlannedStatement[] = [];
    for (const { text, offset } of splitStatements(script)) {
      const statement = await this.prepare(script, text, offset, { enforce: options.enforce });
      planned.push({ text, offset, statement });
    }
    return planned;
  }

  /** The model version each function scores with now (resolving every alias and stage once). */
  async currentBindings(): Promise<ReadonlyMap<string, BoundVersion>> {
    await this.complete(true);
    await this.bindFunctions();
    return this.udfs.current;
  }

  /** Every view in the workspace's catalogs: its Unity Catalog name and DuckDB's CREATE VIEW text. */
  async views(): Promise<{ name: string; sql: string }[]> {
    const reader = await this.connection.runAndReadAll(
      "SELECT database_name AS database, schema_name AS schema, view_name AS name, sql FROM duckdb_views() WHERE NOT internal AND database_name NOT IN ('system', 'temp', 'memory') ORDER BY ALL",
    );
    return (reader.getRowObjects() as { database: string; schema: string; name: string; sql: string }[]).map(
      (row) => ({ name: `${catalogOfDuckdbDatabase(row.database)}.${row.schema}.${row.name}`, sql: row.sql }),
    );
  }

  /** A result modelsql computed itself, as a DuckDB result like any other. */
  private plainResult(result: PlainResult): Promise<DuckDBResult> {
    if (result.columns.length === 0) return this.connection.stream("SELECT NULL AS result WHERE false");
    const names = result.columns.map(quoteIdentifier).join(", ");
    if (result.rows.length === 0) {
      return this.connection.stream(
        `SELECT * FROM (VALUES (${result.columns.map(() => "NULL::VARCHAR").join(", ")})) AS t(${names}) WHERE false`,
      );
    }
    const values = result.rows.map((row) => `(${row.map(quoteLiteral).join(", ")})`).join(", ");
    return this.connection.stream(`SELECT * FROM (VALUES ${values}) AS t(${names})`);
  }

  /**
   * Runs a statement that passed its checks: catalog statements (DROP VIEW, DESCRIBE, SHOW
   * VIEWS) by modelsql over DuckDB's catalog, everything else as DuckDB's prepared statement.
   */
  private async runChecked(statement: ExecutedStatement, last: boolean): Promise<DuckDBResult> {
    const { analysis, currentSchema } = statement;
    if (analysis.kind === "drop_view") {
      const name = targetName(analysis.target, currentSchema);
      const [catalog, schema, object] = name.split(".") as [string, string, string];
      const sql = `DROP VIEW ${analysis.ifExists ? "IF EXISTS " : ""}${[duckdbDatabaseOf(catalog), schema, object].map(quoteIdentifier).join(".")}`;
      const prepared = await prepareSingleStatement(this.connection, sql, STATEMENT_TYPES.drop_view ?? []);
      const result = await prepared.run();
      this.workspace.grants.forget({ type: "TABLE", name });
      return result;
    }
    if (analysis.kind === "describe") {
      const name = targetName(analysis.target, currentSchema);
      const [catalog, schema, object] = name.split(".") as [string, string, string];
      const reader = await this.connection.runAndReadAll(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = $1 AND table_schema = $2 AND table_name = $3 ORDER BY ordinal_position",
        [duckdbDatabaseOf(catalog), schema, object],
      );
      const rows = reader.getRowObjects().map((row) => [String(row.column_name), String(row.data_type), ""]);
      if (rows.length === 0)
        throw new ModelSqlError("TABLE_OR_VIEW_NOT_FOUND", `The table or view ${name} cannot be found`);
      return this.plainResult({ columns: ["col_name", "data_type", "comment"], rows });
    }
    if (analysis.kind === "show_views") {
      const namespace = schemaName(analysis.schema, currentSchema);
      const [catalog, schema] = namespace.split(".") as [string, string];
      const reader = await this.connection.runAndReadAll(
        "SELECT view_name FROM duckdb_views() WHERE database_name = $1 AND schema_name = $2 AND NOT internal ORDER BY view_name",
        [duckdbDatabaseOf(catalog), schema],
      );
      const rows = reader.getRowObjects().map((row) => [namespace, String(row.view_name), "false"]);
      return this.plainResult({ columns: ["namespace", "viewName", "isTemporary"], rows });
    }
    return this.runPrepared(statement, last);
  }

  /** Runs a checked statement; the last of a script streams, the ones before it run whole. */
  private async runPrepared(statement: ExecutedStatement, last: boolean): Promise<DuckDBResult> {
    const prepared = await prepareSingleStatement(
      this.connection,
      statement.executedText,
      STATEMENT_TYPES[statement.analysis.kind] ?? [],
    );
    return last ? prepared.stream() : prepared.run();
  }

  /** The creator of a table, view or schema owns it. */
  private recordOwnership(statement: ExecutedStatement, existedBefore: boolean): void {
    const { analysis } = statement;
    if (analysis.kind === "create_table" || analysis.kind === "create_view") {
      // CREATE ... IF NOT EXISTS on an existing object changes nothing, its owner included.
      if (existedBefore && !analysis.orReplace) return;
      this.workspace.grants.setOwner(
        { type: "TABLE", name: targetName(analysis.target, statement.currentSchema) },
        this.principal,
      );
    } else if (analysis.kind === "create_schema" && !existedBefore) {
      this.workspace.grants.setOwner(
        { type: "SCHEMA", name: schemaName(analysis.target, statement.currentSchema) },
        this.principal,
      );
    }
  }

  /** Whether a CREATE statement's target exists, asked of DuckDB just before it runs. */
  private async targetExistsNow(statement: ExecutedStatement): Promise<boolean> {
    const { analysis } = statement;
    if (analysis.kind === "create_table" || analysis.kind === "create_view") {
      const [catalog, schema, object] = targetName(analysis.target, statement.currentSchema).split(".") as [
        string,
        string,
        string,
      ];
      const reader = await this.connection.runAndReadAll(
        "SELECT count(*) AS n FROM (SELECT database_name AS d, schema_name AS s, table_name AS t FROM duckdb_tables() UNION ALL SELECT database_name, schema_name, view_name FROM duckdb_views()) WHERE d = $1 AND s = $2 AND t = $3",
        [duckdbDatabaseOf(catalog), schema, object],
      );
      return Number(reader.getRowObjects()[0]?.n) > 0;
    }
    if (analysis.kind === "create_schema") {
      const [catalog, schema] = schemaName(analysis.target, statement.currentSchema).split(".") as [
        string,
        string,
      ];
      const reader = await this.connection.runAndReadAll(
        "SELECT count(*) AS n FROM duckdb_schemas() WHERE database_name = $1 AND schema_name = $2",
        [duckdbDatabaseOf(catalog), schema],
      );
      return Number(reader.getRowObjects()[0]?.n) > 0;
    }
    return false;
  }

  /** What a view reads, resolved as DuckDB will: its stored query, with names qualified at creation. */
  private async viewBody(
    view: ResolvedReference,
    resolver: ReferenceResolver,
    parse: (query: string) => Promise<QueryParse>,
  ): Promise<ResolvedReference[]> {
    const location = view.location as { database: string; schema: string; name: string };
    const reader = await this.connection.runAndReadAll(
      "SELECT sql FROM duckdb_views() WHERE database_name = $1 AND schema_name = $2 AND view_name = $3",
      [location.database, location.schema, location.name],
    );
    const sql = String(reader.getRowObjects()[0]?.sql ?? "");
    const body = await analyseStatement(sql, parse);
    return body.references.map((reference) =>
      resolver.resolve(
        reference.catalog === ""
          ? reference
          : { ...reference, catalog: catalogOfDuckdbDatabase(reference.catalog) },
      ),
    );
  }

  /** Translates an error DuckDB raised while a statement's result was being read. */
  translate(error: unknown, statement: ExecutedStatement): Promise<ModelSqlError> {
    return translateDuckdbError(error, statement.failure);
  }

  /** Runs a script and reads the last result whole, as JavaScript values: for tests and small results. */
  async queryRows(script: string): Promise<Record<string, unknown>[]> {
    const { result, statement } = await this.execute(script);
    let rows: Record<string, unknown>[];
    try {
      const names = userColumnNames(result.deduplicatedColumnNames());
      rows = (await result.getRowsJS()).map((row) =>
        Object.fromEntries(row.map((value, index) => [names[index], value])),
      );
    } catch (error) {
      const translated = await this.translate(error, statement);
      await this.complete(false, translated);
      throw translated;
    }
    await this.complete(true);
    return rows;
  }

  /** How many model versions this session has loaded into ONNX Runtime (each once). */
  get loadedModelCount(): number {
    return this.sessions.size;
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    // A statement whose result was never read to the end.
    this.finishRecording(
      false,
      new ModelSqlError("OPERATION_CANCELLED", "The session closed before the statement ended"),
    );
    this.systemTables?.close();
    for (const prepared of this.preparedParameterized.values()) prepared.statement.destroySync();
    this.connection.closeSync();
    this.instance.closeSync();
    this.sessions.dispose();
  }
}

/** Statements that change neither the current schema nor the tables and views. */
const CATALOG_PRESERVING_KINDS: ReadonlySet<string> = new Set([
  "query",
  "describe",
  "show_views",
  "governance",
]);

/**
 * Result column names as the user wrote them: DuckDB names an unaliased expression after the
 * text it ran, in which Unity Catalog's `main` is `main_db`.
 */
export function userColumnNames(names: readonly string[]): string[] {
  return names.map((name) => name.replaceAll('"main_db".', "main.").replaceAll("main_db.", "main."));
}

/** A statement planned for another engine: its text, where it starts, and what the checks found. */
export interface PlannedStatement {
  readonly text: string;
  readonly offset: number;
  readonly statement: ExecutedStatement;
}

/** What `modelsql explain` shows for one statement. */
export interface ExplainedStatement {
  readonly statement: string;
  readonly kind: string;
  readonly references: readonly { kind: string; written: string; resolved: string | null }[];
  readonly modelVersions: readonly {
    function: string;
    model: string;
    version: number | null;
    problem: string | null;
    /** The local route (onnx or sql) and why; null when the function cannot score. */
    route: "onnx" | "sql" | null;
    routeReason: string | null;
  }[];
  readonly privileges: readonly {
    principal: string;
    privilege: string;
    securable: string;
    reason: string;
    held: boolean;
  }[];
  /** The SQL sent to DuckDB; null for statements modelsql runs itself (GRANT, ...). */
  readonly executedSql: string | null;
}

/**
 * The SQL DuckDB runs for a statement, with maps between its offsets and the statement's. A
 * query runs as written (with its catalog names mapped): DuckDB itself parsed it as exactly one
 * query. Every other statement runs as SQL modelsql builds from what the analysis found (the
 * target's quoted name, the flags, and for CREATE ... AS the query DuckDB parsed), never from
 * the header the user wrote: a header the analysis could read differently from DuckDB (a nested
 * comment, say) cannot then change what runs.
 */
function executedForm(
  analysis: AnalysedStatement,
  edited: EditedText,
  currentSchema: string,
): {
  text: string;
  statementOffset: (executed: number) => number;
  executedOffset: (statement: number) => number;
} {
  const place = (parts: readonly string[]) => parts.map(quoteIdentifier).join(".");
  if (analysis.kind === "create_table" || analysis.kind === "create_view") {
    const [catalog, schema, object] = targetName(analysis.target, currentSchema).split(".") as [
      string,
      string,
      string,
    ];
    const kind = analysis.kind === "create_view" ? "VIEW" : "TABLE";
    const header = `CREATE ${analysis.orReplace ? "OR REPLACE " : ""}${kind} ${analysis.ifNotExists ? "IF NOT EXISTS " : ""}${place([duckdbDatabaseOf(catalog), schema, object])} AS `;
    const queryStart = edited.editedOffset(analysis.queryOffset);
    return {
      text: header + edited.text.slice(queryStart),
      statementOffset: (executed) =>
        executed < header.length ? 0 : edited.originalOffset(queryStart + executed - header.length),
      executedOffset: (statement) => header.length + edited.editedOffset(statement) - queryStart,
    };
  }
  if (analysis.kind === "create_schema" || analysis.kind === "use") {
    const [catalog, schema] = schemaName(analysis.target, currentSchema).split(".") as [string, string];
    const text =
      analysis.kind === "use"
        ? `USE ${place([duckdbDatabaseOf(catalog), schema])}`
        : `CREATE SCHEMA ${analysis.ifNotExists ? "IF NOT EXISTS " : ""}${place([duckdbDatabaseOf(catalog), schema])}`;
    return { text, statementOffset: () => 0, executedOffset: () => 0 };
  }
  return {
    text: edited.text,
    statementOffset: (executed) => edited.originalOffset(executed),
    executedOffset: (statement) => edited.editedOffset(statement),
  };
}

/** The prediction functions a statement calls, through its views too (its EXECUTE checks). */
function calledFunctions(statement: ExecutedStatement): string[] {
  return statement.privileges
    .filter((check) => check.privilege === "EXECUTE" && check.securable.type === "FUNCTION")
    .map((check) => check.securable.name);
}
