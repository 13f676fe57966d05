import { readFileSync } from "node:fs";
import Fastify, { type FastifyInstance } from "fastify";
import { asModelSqlError, ModelSqlError } from "../errors.js";
import type { Workspace } from "../workspace.js";
import { registerAuthentication } from "./authentication.js";
import { registerDashboardRoutes } from "./dashboard-routes.js";
import { EnginePool } from "./engine-pool.js";
import { errorBody, httpStatusOf } from "./http-errors.js";
import { endpointFunction, registerInvocationRoutes } from "./invocation-routes.js";
import { openApiDocument } from "./openapi.js";
import { registerStatementRoutes } from "./statement-routes.js";
import { StatementStore } from "./statement-store.js";

export interface ServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly invocationWorkers: number;
  readonly intraOpThreads?: number;
  readonly maxBodyBytes: number;
  readonly maxResultBytes: number;
  readonly statementTimeoutMs: number;
  readonly invocationTimeoutMs: number;
  /** Rows of each invocation the inference log samples. */
  readonly invocationSampleRows: number;
  readonly defaultEndpoint?: string;
}

export const DEFAULT_SERVER_OPTIONS: Omit<ServerOptions, "host" | "port"> = {
  invocationWorkers: 1,
  maxBodyBytes: 10 * 1024 * 1024,
  // Databricks' own limit for INLINE results.
  maxResultBytes: 25 * 1024 * 1024,
  statementTimeoutMs: 30 * 60 * 1000,
  invocationTimeoutMs: 60 * 1000,
  // Invocations are many and small: a few rows of each give the drift statistics plenty, and
  // keep the log's writes per request small.
  invocationSampleRows: 10,
};

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** A fastify error (body too large, bad JSON) as one of modelsql's errors. */
function frameworkError(
  error: { code?: string; statusCode?: number; message: string },
  maxBodyBytes: number,
): ModelSqlError {
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE" || error.statusCode === 413) {
    return new ModelSqlError(
      "REQUEST_TOO_LARGE",
      `The request body is larger than the server's limit of ${maxBodyBytes} bytes`,
      {
        hint: "Send fewer rows per request, or start the server with a larger --max-body-bytes.",
      },
    );
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ModelSqlError("INVALID_PARAMETER_VALUE", `The request is not valid: ${error.message}`, {
      hint: "Send a JSON body with Content-Type: application/json; see /api/openapi.json.",
    });
  }
  return asModelSqlError(error);
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `modelsql serve`: the HTTP server. The event loop authenticates, validates and answers;
 * statements and invocations run in the engine pool's worker threads.
 */
export async function startServer(workspace: Workspace, options: ServerOptions): Promise<RunningServer> {
  if (options.defaultEndpoint) endpointFunction(workspace, options.defaultEndpoint);
  const pool = await EnginePool.start(workspace.paths.directory, {
    invocationWorkers: options.invocationWorkers,
    invocationSampleRows: options.invocationSampleRows,
    ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}),
  });
  const app = Fastify({ bodyLimit: options.maxBodyBytes, logger: false });
  app.setErrorHandler((thrown, _request, reply) => {
    const error =
      thrown instanceof ModelSqlError
        ? thrown
        : frameworkError(thrown as { message: string }, options.maxBodyBytes);
    reply.code(httpStatusOf(error)).send(errorBody(error));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new ModelSqlError(
      "RESOURCE_DOES_NOT_EXIST",
      `There is no route ${request.method} ${request.url.split("?")[0]}`,
      {
        hint: "See /api/openapi.json for the routes.",
      },
    );
    reply.code(404).send(errorBody(error));
  });
  registerAuthentication(app, workspace.tokens);
  app.get("/health", async () => ({ status: "ok" }));
  const document = openApiDocument(PACKAGE_VERSION);
  app.get("/api/openapi.json", async () => document);
  registerStatementRoutes(app, {
    pool,
    store: new StatementStore(60 * 60 * 1000, 1000),
    maxResultBytes: options.maxResultBytes,
    statementTimeoutMs: options.statementTimeoutMs,
    defaultCatalog: workspace.settings.sessionDefaults().currentSchema.split(".")[0] as string,
  });
  registerInvocationRoutes(app, {
    workspace,
    pool,
    defaultEndpoint: options.defaultEndpoint,
    invocationTimeoutMs: options.invocationTimeoutMs,
  });
  registerDashboardRoutes(app, pool);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await pool.close();
    throw new ModelSqlError(
      "CONNECTION_FAILED",
      `Cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`,
      {
        hint: "Choose another --port, or stop what is using it.",
        cause: error,
      },
    );
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    app,
    url: `http://${host}:${port}`,
    close: async () => {
      await app.close();
      await pool.close();
    },
  };
}
