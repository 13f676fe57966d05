/**
 * The TCLIService methods of the stand-in: session and operation bookkeeping on top of a
 * StandInBackend, in the shape the generated `TCLIService.Processor` calls.
 *
 * The generated Processor (thrift 0.19 codegen in @databricks/sql/thrift/TCLIService.js) calls
 * `handler[method](req)` and, when the method takes exactly one parameter, treats the return
 * value as a promise of the response struct; a rejection becomes a TApplicationException. Here
 * every failure is answered as a TStatus instead, which the driver turns into readable errors.
 *
 * Protocol facts used (driver 2.1.0):
 * - OpenSession carries `client_protocol_i64` = SPARK_CLI_SERVICE_PROTOCOL_V8 (42248). The server
 *   answers min(client, V8): V8 is what enables query parameters in the driver; nothing newer is
 *   implemented here.
 * - The bearer token is only in the HTTP Authorization header, so handlers are built per request.
 * - Metadata calls (GetCatalogs, GetTables, ...) and delegation tokens are answered with an error
 *   status saying they are not supported by the stand-in.
 */
import type {
  TCancelOperationReq,
  TCancelOperationResp,
  TCloseOperationReq,
  TCloseOperationResp,
  TCloseSessionReq,
  TCloseSessionResp,
  TExecuteStatementReq,
  TExecuteStatementResp,
  TFetchResultsReq,
  TFetchResultsResp,
  TGetInfoReq,
  TGetInfoResp,
  TGetOperationStatusReq,
  TGetOperationStatusResp,
  TGetResultSetMetadataReq,
  TGetResultSetMetadataResp,
  TOpenSessionReq,
  TOpenSessionResp,
  TStatus,
} from "@databricks/sql/thrift/TCLIService_types.js";
import { handleId, newHandleIdentifier } from "./handle-identifiers.js";
import { decodeSparkParameters } from "./spark-parameters.js";
import type { StandInBackend, StandInSession } from "./stand-in-backend.js";
import { StandInOperation } from "./stand-in-operation.js";
import { int64ToNumber, ttypes } from "./thrift-runtime.js";
import {
  errorStatus,
  invalidHandleStatus,
  notSupportedStatus,
  renderError,
  successStatus,
} from "./thrift-status.js";

const SERVER_PROTOCOL_VERSION = ttypes.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8;

const UNSUPPORTED_METHODS = [
  "GetTypeInfo",
  "GetCatalogs",
  "GetSchemas",
  "GetTables",
  "GetTableTypes",
  "GetColumns",
  "GetFunctions",
  "GetPrimaryKeys",
  "GetCrossReference",
  "GetDelegationToken",
  "CancelDelegationToken",
  "RenewDelegationToken",
] as const;

interface OpenSession {
  backendSession: StandInSession;
  operations: Set<StandInOperation>;
}

export class StandInService {
  private readonly sessions = new Map<string, OpenSession>();
  private readonly operations = new Map<string, StandInOperation>();
  /** Number of calls per Thrift method, for tests that check how the driver talked. */
  readonly calls = new Map<string, number>();

  constructor(private readonly backend: StandInBackend) {}

  private count(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  private async openSession(token: string, req: TOpenSessionReq): Promise<TOpenSessionResp> {
    const clientVersion =
      int64ToNumber(req.client_protocol_i64) ?? req.client_protocol ?? SERVER_PROTOCOL_VERSION;
    const serverProtocolVersion = Math.min(clientVersion, SERVER_PROTOCOL_VERSION);
    const namespace: { catalog?: string; schema?: string } = {};
    if (req.initialNamespace?.catalogName) namespace.catalog = req.initialNamespace.catalogName;
    if (req.initialNamespace?.schemaName) namespace.schema = req.initialNamespace.schemaName;
    let backendSession: StandInSession;
    try {
      backendSession = await this.backend.openSession(token, namespace);
    } catch (error) {
      const rendered = renderError(error);
      return new ttypes.TOpenSessionResp({
        status: errorStatus(rendered.message, rendered.sqlState),
        serverProtocolVersion,
      });
    }
    const { id, identifier } = newHandleIdentifier();
    this.sessions.set(id, { backendSession, operations: new Set() });
    return new ttypes.TOpenSessionResp({
      status: successStatus(),
      serverProtocolVersion,
      sessionHandle: new ttypes.TSessionHandle({ sessionId: new ttypes.THandleIdentifier(identifier) }),
      initialNamespace: req.initialNamespace ?? undefined,
      canUseMultipleCatalogs: true,
      configuration: {},
    });
  }

  private async closeSessionById(id: string): Promise<TStatus> {
    const session = this.sessions.get(id);
    if (!session) return invalidHandleStatus("session");
    this.sessions.delete(id);
    await Promise.all([...session.operations].map((operation) => this.closeOperation(operation)));
    try {
      await session.backendSession.close();
      return successStatus();
    } catch (error) {
      const rendered = renderError(error);
      return errorStatus(rendered.message, rendered.sqlState);
    }
  }

  private async closeOperation(operation: StandInOperation): Promise<void> {
    this.operations.delete(operation.id);
    for (const session of this.sessions.values()) session.operations.delete(operation);
    await operation.close();
  }

  private async executeStatement(req: TExecuteStatementReq): Promise<TExecuteStatementResp> {
    const session = this.sessions.get(handleId(req.sessionHandle?.sessionId) ?? "");
    if (!session) return new ttypes.TExecuteStatementResp({ status: invalidHandleStatus("session") });
    const operation = new StandInOperation(
      session.backendSession,
      req.statement,
      decodeSparkParameters(req.parameters),
    );
    this.operations.set(operation.id, operation);
    session.operations.add(operation);
    // The driver always sends runAsync=true; a synchronous client gets the settled statement.
    if (req.runAsync !== true) await operation.settled;
    return new ttypes.TExecuteStatementResp({
      status: successStatus(),
      operationHandle: new ttypes.TOperationHandle({
        operationId: new ttypes.THandleIdentifier(operation.identifier),
        operationType: ttypes.TOperationType.EXECUTE_STATEMENT,
        hasResultSet: true,
      }),
    });
  }

  private operation(
    handle: { operationId?: { guid?: Buffer } } | null | undefined,
  ): StandInOperation | undefined {
    return this.operations.get(handleId(handle?.operationId) ?? "");
  }

  private getInfo(req: TGetInfoReq): TGetInfoResp {
    const values: Partial<Record<number, string>> = {
      [ttypes.TGetInfoType.CLI_SERVER_NAME]: "Databricks SQL stand-in",
      [ttypes.TGetInfoType.CLI_DBMS_NAME]: "Spark SQL",
      [ttypes.TGetInfoType.CLI_DBMS_VER]: "3.5.0",
    };
    const stringValue = values[req.infoType];
    if (!this.sessions.has(handleId(req.sessionHandle?.sessionId) ?? "")) {
      return new ttypes.TGetInfoResp({
        status: invalidHandleStatus("session"),
        infoValue: new ttypes.TGetInfoValue(),
      });
    }
    if (stringValue === undefined) {
      return new ttypes.TGetInfoResp({
        status: notSupportedStatus(`GetInfo(${ttypes.TGetInfoType[req.infoType] ?? req.infoType})`),
        infoValue: new ttypes.TGetInfoValue(),
      });
    }
    return new ttypes.TGetInfoResp({
      status: successStatus(),
      infoValue: new ttypes.TGetInfoValue({ stringValue }),
    });
  }

  /**
   * The handler object for one HTTP request carrying `token`. Every method takes exactly one
   * parameter, which is what makes the generated Processor use its promise-based branch.
   */
  handlerFor(token: string): object {
    const counted =
      <Req, Resp>(method: string, body: (req: Req) => Resp | Promise<Resp>) =>
      (req: Req): Promise<Resp> => {
        this.count(method);
        return Promise.resolve(body(req));
      };
    const handler: Record<string, (req: never) => Promise<unknown>> = {
      OpenSession: counted("OpenSession", (req: TOpenSessionReq) => this.openSession(token, req)),
      CloseSession: counted(
        "CloseSession",
        async (req: TCloseSessionReq): Promise<TCloseSessionResp> =>
          new ttypes.TCloseSessionResp({
            status: await this.closeSessionById(handleId(req.sessionHandle?.sessionId) ?? ""),
          }),
      ),
      GetInfo: counted("GetInfo", (req: TGetInfoReq) => this.getInfo(req)),
      ExecuteStatement: counted("ExecuteStatement", (req: TExecuteStatementReq) =>
        this.executeStatement(req),
      ),
      GetOperationStatus: counted(
        "GetOperationStatus",
        (req: TGetOperationStatusReq): TGetOperationStatusResp => {
          const operation = this.operation(req.operationHandle);
          return operation
            ? operation.statusResponse()
            : new ttypes.TGetOperationStatusResp({ status: invalidHandleStatus("operation") });
        },
      ),
      CancelOperation: counted("CancelOperation", (req: TCancelOperationReq): TCancelOperationResp => {
        const operation = this.operation(req.operationHandle);
        operation?.cancel();
        return new ttypes.TCancelOperationResp({
          status: operation ? successStatus() : invalidHandleStatus("operation"),
        });
      }),
      CloseOperation: counted(
        "CloseOperation",
        async (req: TCloseOperationReq): Promise<TCloseOperationResp> => {
          const operation = this.operation(req.operationHandle);
          if (operation) await this.closeOperation(operation);
          return new ttypes.TCloseOperationResp({
            status: operation ? successStatus() : invalidHandleStatus("operation"),
          });
        },
      ),
      GetResultSetMetadata: counted(
        "GetResultSetMetadata",
        (req: TGetResultSetMetadataReq): TGetResultSetMetadataResp => {
          const operation = this.operation(req.operationHandle);
          return operation
            ? operation.metadataResponse()
            : new ttypes.TGetResultSetMetadataResp({ status: invalidHandleStatus("operation") });
        },
      ),
      FetchResults: counted(
        "FetchResults",
        (req: TFetchResultsReq): Promise<TFetchResultsResp> | TFetchResultsResp => {
          const operation = this.operation(req.operationHandle);
          return operation
            ? operation.fetchResponse(req)
            : new ttypes.TFetchResultsResp({ status: invalidHandleStatus("operation") });
        },
      ),
    };
    for (const method of UNSUPPORTED_METHODS) {
      handler[method] = counted(method, (_req: unknown) => ({ status: notSupportedStatus(method) }));
    }
    return handler;
  }

  /** Closes every session (and so every operation), e.g. when the server shuts down. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSessionById(id)));
  }
}
