import type { FastifyInstance, FastifyRequest } from "fastify";
import { ModelSqlError } from "../errors.js";
import type { ApiTokenStore } from "../governance/api-token-store.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The principal the request's bearer token acts as; every grant of theirs applies. */
    principal: string;
  }
}

function isPublic(request: FastifyRequest): boolean {
  const path = request.url.split("?")[0] ?? "";
  return (
    path === "/health" ||
    path === "/api/openapi.json" ||
    path === "/dashboard" ||
    path.startsWith("/dashboard/")
  );
}

/**
 * Every request but the health check, the API description and the dashboard's static files
 * carries `Authorization: Bearer <token>` (from `modelsql tokens create`) and runs as its
 * principal. A missing, unknown, revoked or expired token gets one 401 answer.
 */
export function registerAuthentication(app: FastifyInstance, tokens: ApiTokenStore): void {
  app.decorateRequest("principal", "");
  app.addHook("onRequest", async (request, reply) => {
    if (isPublic(request)) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      reply.header("WWW-Authenticate", 'Bearer realm="modelsql"');
      throw new ModelSqlError("UNAUTHENTICATED", "The request has no bearer token", {
        hint: "Send Authorization: Bearer <token>; `modelsql tokens create --principal <name>` makes one.",
      });
    }
    try {
      request.principal = tokens.authenticate(match[1] as string);
    } catch (error) {
      reply.header("WWW-Authenticate", 'Bearer realm="modelsql", error="invalid_token"');
      throw error;
    }
  });
}
