import type { FastifyInstance } from "fastify";
import { endpointNameOf } from "../engines/databricks/serving-endpoint.js";
import { ModelSqlError } from "../errors.js";
import type { FunctionDefinition } from "../functions/function-definition.js";
import type { Workspace } from "../workspace.js";
import type { EnginePool } from "./engine-pool.js";
import type { ServedFunction } from "./engine-protocol.js";
import { invocationBody, invocationRows } from "./invocation-input.js";
import { parseRequest } from "./request-errors.js";

export interface InvocationRouteOptions {
  readonly workspace: Workspace;
  readonly pool: EnginePool;
  /** The function `POST /invocations` scores with, if the server was given one. */
  readonly defaultEndpoint: string | undefined;
  readonly invocationTimeoutMs: number;
}

/**
 * The function an endpoint name stands for: its serving endpoint name (as `deploy` names it for
 * Databricks, `modelsql-main-ml-predict_churn` or the definition's own), or its three-level name.
 */
export function endpointFunction(workspace: Workspace, name: string, principal?: string): FunctionDefinition {
  const definitions = workspace.functions.list().map((stored) => stored.definition);
  const found = definitions.find(
    (definition) => endpointNameOf(definition) === name || definition.name === name.toLowerCase(),
  );
  const mayExecute = (definition: FunctionDefinition) =>
    principal === undefined ||
    workspace.authorizer.has(principal, "EXECUTE", { type: "FUNCTION", name: definition.name });
  if (!found) {
    // Only endpoints the caller may query are named.
    const known = definitions.filter(mayExecute).map((definition) => endpointNameOf(definition));
    throw new ModelSqlError("RESOURCE_DOES_NOT_EXIST", `There is no serving endpoint '${name}'`, {
      hint: `Endpoints you may query: ${known.join(", ") || "none"}.`,
    });
  }
  // Refused before its input is read, so the answer tells nothing of the function's signature.
  // The statement that scores checks every privilege again (USE CATALOG, USE SCHEMA, the model).
  if (principal !== undefined) {
    workspace.authorizer.require([
      {
        principal,
        privilege: "EXECUTE",
        securable: { type: "FUNCTION", name: found.name },
        reason: `invokes the endpoint ${name}`,
      },
    ]);
  }
  return found;
}

export function registerInvocationRoutes(app: FastifyInstance, options: InvocationRouteOptions): void {
  const invoke = async (principal: string, endpoint: string, body: unknown) => {
    const definition = endpointFunction(options.workspace, endpoint, principal);
    const request = parseRequest(
      invocationBody,
      body,
      "invocation request",
      'Send exactly one of dataframe_split, dataframe_records, instances or inputs, e.g. {"dataframe_records": [{"tenure": 3, ...}]}.',
    );
    const rows = invocationRows(request, definition);
    const task = options.pool.submit({
      kind: "invocation",
      principal,
      functionName: definition.name,
      rowsJson: JSON.stringify(rows),
    });
    const timer = setTimeout(() => options.pool.cancel(task.seq), options.invocationTimeoutMs);
    timer.unref();
    try {
      return await task.done;
    } catch (error) {
      if (error instanceof ModelSqlError && error.errorClass === "OPERATION_CANCELLED") {
        throw new ModelSqlError(
          "STATEMENT_TIMEOUT",
          `The invocation of '${endpoint}' ran longer than ${options.invocationTimeoutMs / 1000} s and was stopped`,
          { hint: "Send fewer rows per request." },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  app.post<{ Params: { name: string } }>("/serving-endpoints/:name/invocations", (request) =>
    invoke(request.principal, request.params.name, request.body),
  );

  app.post("/invocations", (request) => {
    if (!options.defaultEndpoint) {
      throw new ModelSqlError(
        "RESOURCE_DOES_NOT_EXIST",
        "This server has no default endpoint for /invocations",
        {
          hint: "Post to /serving-endpoints/<name>/invocations, or start the server with --default-endpoint <function>.",
        },
      );
    }
    return invoke(request.principal, options.defaultEndpoint, request.body);
  });

  /** The endpoints the caller may query (EXECUTE on the function), in Databricks' list shape. */
  app.get("/api/2.0/serving-endpoints", async (request) => {
    const served = (await options.pool.submit({ kind: "functions", principal: request.principal })
      .done) as ServedFunction[];
    return {
      endpoints: served.map((entry) => ({
        name: entry.endpoint,
        function: entry.name,
        config: {
          served_entities: [
            {
              entity_name: entry.model,
              entity_version: entry.version === null ? null : String(entry.version),
            },
          ],
        },
        state: { ready: entry.version === null ? "NOT_READY" : "READY" },
      })),
    };
  });
}
