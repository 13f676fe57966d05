import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { asModelSqlError, ModelSqlError } from "../errors.js";
import type { EnginePool } from "./engine-pool.js";
import type { StatementOutcome } from "./engine-protocol.js";
import { httpStatusOf } from "./http-errors.js";
import { parseRequest } from "./request-errors.js";
import { bindParameters, statementParameter } from "./statement-parameters.js";
import { chunkExists, resultChunk, statementResponse } from "./statement-responses.js";
import { isFinal, type StatementRecord, type StatementStore } from "./statement-store.js";

/** The body of `POST /api/2.0/sql/statements`, as Databricks' Statement Execution API takes it. */
export const statementBody = z.object({
  statement: z.string().min(1),
  /** Accepted so that Databricks clients work unchanged; the server has one engine. */
  warehouse_id: z.string().optional(),
  catalog: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/)
    .optional(),
  schema: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/)
    .optional(),
  parameters: z.array(statementParameter).optional(),
  row_limit: z.number().int().nonnegative().optional(),
  byte_limit: z.number().int().positive().optional(),
  wait_timeout: z
    .string()
    .regex(/^\d+s$/)
    .optional(),
  on_wait_timeout: z.enum(["CONTINUE", "CANCEL"]).optional(),
  disposition: z.literal("INLINE").optional(),
  format: z.literal("JSON_ARRAY").optional(),
});

export interface StatementRouteOptions {
  readonly pool: EnginePool;
  readonly store: StatementStore;
  readonly maxResultBytes: number;
  readonly statementTimeoutMs: number;
  readonly defaultCatalog: string;
}

/** wait_timeout: 0s (answer at once) or 5s to 50s, as Databricks allows; default 10s. */
function waitMilliseconds(text: string | undefined): number {
  const seconds = Number((text ?? "10s").slice(0, -1));
  if (seconds !== 0 && (seconds < 5 || seconds > 50)) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `wait_timeout '${text}' is out of range`, {
      hint: "Give 0s to answer at once, or 5s to 50s.",
    });
  }
  return seconds * 1000;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function registerStatementRoutes(app: FastifyInstance, options: StatementRouteOptions): void {
  const { pool, store } = options;

  const run = (record: StatementRecord, task: Parameters<EnginePool["submit"]>[0]) => {
    // PENDING while it waits behind another statement; RUNNING once the worker takes it.
    const submitted = pool.submit(task, () => {
      if (record.state === "PENDING") record.state = "RUNNING";
    });
    record.seq = submitted.seq;
    const timer = setTimeout(() => {
      store.finish(record, "FAILED", {
        error: new ModelSqlError(
          "STATEMENT_TIMEOUT",
          `The statement ran longer than the server's limit of ${options.statementTimeoutMs / 1000} s and was stopped`,
          { hint: "Narrow the query, or ask the server's operator for a longer --statement-timeout." },
        ),
      });
      pool.cancel(submitted.seq);
    }, options.statementTimeoutMs);
    timer.unref();
    record.finished = submitted.done
      .then(
        (value) => store.finish(record, "SUCCEEDED", { outcome: value as StatementOutcome }),
        (thrown: unknown) => {
          const error = asModelSqlError(thrown);
          store.finish(record, error.errorClass === "OPERATION_CANCELLED" ? "CANCELED" : "FAILED", { error });
        },
      )
      .finally(() => clearTimeout(timer));
  };

  const cancel = (record: StatementRecord) => {
    if (isFinal(record.state)) return;
    store.finish(record, "CANCELED", {
      error: new ModelSqlError("OPERATION_CANCELLED", "The statement was cancelled by request"),
    });
    pool.cancel(record.seq);
  };

  app.post("/api/2.0/sql/statements", async (request, reply) => {
    const body = parseRequest(
      statementBody,
      request.body,
      "statement request",
      'Send {"statement": "SELECT ...", "wait_timeout": "10s"}; see /api/openapi.json.',
    );
    const wait = waitMilliseconds(body.wait_timeout);
    const statement = bindParameters(body.statement, body.parameters ?? []);
    const record = store.create(request.principal);
    const catalog = body.catalog ?? (body.schema ? options.defaultCatalog : undefined);
    run(record, {
      kind: "statement",
      principal: request.principal,
      statementId: record.id,
      statement,
      maxResultBytes: options.maxResultBytes,
      ...(body.row_limit !== undefined ? { rowLimit: body.row_limit } : {}),
      ...(body.byte_limit !== undefined ? { byteLimit: body.byte_limit } : {}),
      ...(catalog ? { currentSchema: `${catalog}.${body.schema ?? "default"}` } : {}),
    });
    if (wait > 0) await Promise.race([record.finished, delay(wait)]);
    // As in Databricks, on_wait_timeout applies only to a request that waits (0s is asynchronous).
    if (wait > 0 && !isFinal(record.state) && body.on_wait_timeout === "CANCEL") {
      cancel(record);
      await record.finished;
    }
    // A statement refused by the grants is answered 403, with the statement's usual body.
    if (record.state === "FAILED" && record.error?.errorClass === "INSUFFICIENT_PERMISSIONS")
      reply.code(httpStatusOf(record.error));
    return statementResponse(record);
  });

  const found = (id: string, principal: string): StatementRecord => {
    const record = store.find(id, principal);
    if (!record) {
      throw new ModelSqlError("RESOURCE_DOES_NOT_EXIST", `There is no statement '${id}'`, {
        hint: "Statements are kept for an hour after they finish, and only their submitter sees them.",
      });
    }
    return record;
  };

  app.get<{ Params: { id: string } }>("/api/2.0/sql/statements/:id", async (request) =>
    statementResponse(found(request.params.id, request.principal)),
  );

  app.get<{ Params: { id: string; chunk: string } }>(
    "/api/2.0/sql/statements/:id/result/chunks/:chunk",
    async (request) => {
      const record = found(request.params.id, request.principal);
      const index = Number(request.params.chunk);
      if (record.state !== "SUCCEEDED" || !record.outcome || !chunkExists(record.outcome, index)) {
        throw new ModelSqlError(
          "RESOURCE_DOES_NOT_EXIST",
          `Statement '${record.id}' has no result chunk ${request.params.chunk} (its state: ${record.state})`,
          { hint: "Read the chunks the manifest lists." },
        );
      }
      return resultChunk(record, record.outcome, index);
    },
  );

  app.post<{ Params: { id: string } }>("/api/2.0/sql/statements/:id/cancel", async (request) => {
    cancel(found(request.params.id, request.principal));
    return {};
  });

  app.delete<{ Params: { id: string } }>("/api/2.0/sql/statements/:id", async (request) => {
    const record = found(request.params.id, request.principal);
    cancel(record);
    store.close(record);
    return {};
  });
}
