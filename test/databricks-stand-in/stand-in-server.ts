/**
 * A loopback HTTPS server that speaks Databricks SQL's Thrift-over-HTTP protocol well enough for
 * the stock `@databricks/sql` driver to connect, run statements, page through results, see errors
 * and cancel, while a StandInBackend runs the SQL.
 *
 * Transport facts (verified against driver 2.1.0, dist/connection/connections):
 * - Always HTTPS (`https: true` is hard-coded); the driver trusts this server's self-signed
 *   certificate when it is passed as `customCaCert` (appended to the default CAs).
 * - Each RPC is `POST <path>` with `Content-Type: application/x-thrift`, a TBinaryProtocol
 *   message in a TBufferedTransport (no framing), and `Authorization: Bearer <token>` for token
 *   auth; the reply must be HTTP 200 with the binary reply message.
 * - Any non-200 reply makes the call reject with THTTPException, a Thrift TApplicationException
 *   whose message is "Received a response with a bad HTTP status code: <status>" and whose
 *   `statusCode` is the status; the body is discarded. 429 and 5xx (except 501) are retried with
 *   back-off for most methods, so failures here use 4xx to stay fast and unambiguous.
 * - Out-of-band requests: with telemetry on (the default) the driver would GET feature flags
 *   (/api/2.0/connector-service/feature-flags/NODEJS/<version>) and POST telemetry
 *   (/telemetry-ext), but it builds those URLs from `host` alone (not `port`) and refuses
 *   loopback/private hosts: against 127.0.0.1 it logs "Feature flag fetch skipped: invalid host"
 *   and sends nothing. Clients still pass `telemetryEnabled: false`. Should anything reach this
 *   server on another path or method, it gets a JSON 404 (401 first if it has no token).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createSelfSignedCertificate } from "./self-signed-certificate.js";
import type { StandInBackend } from "./stand-in-backend.js";
import { StandInService } from "./stand-in-service.js";
import { processThriftMessage, TCLIService } from "./thrift-runtime.js";

export interface StandInServerOptions {
  backend: StandInBackend;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The HTTP path of the "warehouse"; defaults to /sql/1.0/warehouses/standin. */
  path?: string;
}

export interface StandInServer {
  /** Always 127.0.0.1: the server listens on loopback only. */
  host: string;
  port: number;
  path: string;
  /** PEM of the self-signed certificate, for the driver's `customCaCert`. */
  caCert: string;
  /** How many times each Thrift method (e.g. "FetchResults") has been called. */
  calls(method: string): number;
  /** Closes every open session (aborting running statements) and stops listening. */
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

function sendJson(
  response: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export async function startStandInServer(options: StandInServerOptions): Promise<StandInServer> {
  const path = options.path ?? "/sql/1.0/warehouses/standin";
  const host = "127.0.0.1";
  const { certPem, keyPem } = createSelfSignedCertificate("modelsql Databricks SQL stand-in");
  const service = new StandInService(options.backend);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const token = /^Bearer\s+(\S.*)$/i.exec(request.headers.authorization ?? "")?.[1]?.trim();
    if (!token) {
      request.resume();
      sendJson(
        response,
        401,
        { error_code: "UNAUTHENTICATED", message: "Missing Authorization: Bearer <token> header" },
        { "WWW-Authenticate": 'Bearer realm="databricks-sql-stand-in"' },
      );
      return;
    }
    const url = new URL(request.url ?? "/", `https://${host}`);
    if (request.method !== "POST" || url.pathname !== path) {
      request.resume();
      sendJson(response, 404, {
        error_code: "ENDPOINT_NOT_FOUND",
        message: `The Databricks SQL stand-in only serves Thrift POST requests to ${path}`,
      });
      return;
    }
    const body = await readBody(request);
    if (!body) {
      sendJson(response, 413, { error_code: "REQUEST_TOO_LARGE", message: "Thrift request too large" });
      return;
    }
    const reply = await processThriftMessage(new TCLIService.Processor(service.handlerFor(token)), body);
    response.writeHead(200, { "Content-Type": "application/x-thrift", "Content-Length": reply.length });
    response.end(reply);
  }

  const server = createServer({ key: keyPem, cert: certPem }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, 400, { error_code: "BAD_REQUEST", message: `Malformed Thrift request: ${message}` });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    host,
    port: (server.address() as AddressInfo).port,
    path,
    caCert: certPem,
    calls: (method) => service.calls.get(method) ?? 0,
    close: async () => {
      await service.closeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The driver keeps HTTPS connections alive; without this, close() would wait for them.
      server.closeAllConnections();
      await closed;
    },
  };
}
