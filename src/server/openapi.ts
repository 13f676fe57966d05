import { z } from "zod";
import { invocationBody } from "./invocation-input.js";
import { statementBody } from "./statement-routes.js";

const errorSchema = {
  type: "object",
  properties: {
    error_code: { type: "string", description: "The error class, e.g. INSUFFICIENT_PERMISSIONS" },
    message: { type: "string", description: "[CLASS] what was wrong and what to do. SQLSTATE: xxxxx" },
    sqlstate: { type: "string" },
    hint: { type: "string" },
  },
  required: ["error_code", "message"],
};

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description: {
          400: "The request is not valid (the message says which field and why)",
          401: "No bearer token, or one that is unknown, revoked or expired",
          403: "The token's principal lacks a privilege the request needs",
          404: "No such statement, chunk or endpoint",
          413: "The request body is larger than the server's limit",
          504: "The invocation ran longer than the server's limit",
        }[code],
        content: { "application/json": { schema: errorSchema } },
      },
    ]),
  );

const statementResponse = {
  type: "object",
  description:
    "Databricks' StatementResponse: id, status (with error when FAILED), manifest and the first chunk when SUCCEEDED",
  properties: {
    statement_id: { type: "string" },
    status: {
      type: "object",
      properties: {
        state: { enum: ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "CLOSED"] },
        error: {
          type: "object",
          properties: { error_code: { type: "string" }, message: { type: "string" } },
        },
      },
    },
    manifest: { type: "object" },
    result: { type: "object" },
  },
};

const json = (schema: unknown) => ({ content: { "application/json": { schema } } });
const idParameter = { name: "id", in: "path", required: true, schema: { type: "string" } };

/** The API's OpenAPI 3.1 description, served at /api/openapi.json; request bodies come from the zod schemas the routes validate with. */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "modelsql serve",
      version,
      description:
        "Prediction functions over HTTP: Databricks' Statement Execution API, Model Serving invocations, and the drift report. Every request but /health, this document and /dashboard takes Authorization: Bearer <token> (modelsql tokens create) and runs as its principal.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
    security: [{ bearer: [] }],
    paths: {
      "/health": {
        get: {
          security: [],
          summary: "Liveness; answered on the event loop, never behind a statement",
          responses: { 200: json({ type: "object" }) },
        },
      },
      "/api/2.0/sql/statements": {
        post: {
          summary: "Run a statement (waits up to wait_timeout, then answers PENDING/RUNNING to poll)",
          requestBody: { required: true, ...json(z.toJSONSchema(statementBody)) },
          responses: {
            200: { description: "The statement", ...json(statementResponse) },
            ...errors(400, 401, 403, 413),
          },
        },
      },
      "/api/2.0/sql/statements/{id}": {
        parameters: [idParameter],
        get: {
          summary: "A statement's state and result",
          responses: { 200: json(statementResponse), ...errors(401, 404) },
        },
        delete: {
          summary: "Cancel if running, and drop the result",
          responses: { 200: json({ type: "object" }), ...errors(401, 404) },
        },
      },
      "/api/2.0/sql/statements/{id}/cancel": {
        parameters: [idParameter],
        post: {
          summary: "Cancel a statement",
          responses: { 200: json({ type: "object" }), ...errors(401, 404) },
        },
      },
      "/api/2.0/sql/statements/{id}/result/chunks/{chunk_index}": {
        parameters: [
          idParameter,
          { name: "chunk_index", in: "path", required: true, schema: { type: "integer" } },
        ],
        get: {
          summary: "One chunk of a result",
          responses: { 200: json({ type: "object" }), ...errors(401, 404) },
        },
      },
      "/serving-endpoints/{name}/invocations": {
        parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
        post: {
          summary:
            "Score rows with the endpoint's function (EXECUTE needed), at the version its alias names now",
          requestBody: { required: true, ...json(z.toJSONSchema(invocationBody)) },
          responses: {
            200: json({ type: "object", properties: { predictions: { type: "array" } } }),
            ...errors(400, 401, 403, 404, 413, 504),
          },
        },
      },
      "/invocations": {
        post: {
          summary: "Score rows with the server's default endpoint (--default-endpoint)",
          requestBody: { required: true, ...json(z.toJSONSchema(invocationBody)) },
          responses: { 200: json({ type: "object" }), ...errors(400, 401, 403, 404, 413, 504) },
        },
      },
      "/api/2.0/serving-endpoints": {
        get: {
          summary: "The endpoints the caller may query",
          responses: { 200: json({ type: "object" }), ...errors(401) },
        },
      },
      "/api/2.0/modelsql/monitor/{function}": {
        parameters: [
          { name: "function", in: "path", required: true, schema: { type: "string" } },
          { name: "since", in: "query", schema: { type: "string", examples: ["7d"] } },
          { name: "bucket", in: "query", schema: { enum: ["hour", "day"] } },
        ],
        get: {
          summary:
            "Scored rows per version over time, the prediction distribution and per-feature drift (SELECT on the system tables needed)",
          responses: { 200: json({ type: "object" }), ...errors(400, 401, 403) },
        },
      },
    },
  };
}
