/**
 * Connecting the stock driver: TLS with the stand-in's own CA, token auth, sessions, and the
 * requests the stand-in refuses.
 */
import { request } from "node:https";
import { thrift } from "@databricks/sql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DuckDbStandIn, startDuckDbStandIn } from "./stand-in-fixture.js";
import { connectStockClient } from "./stock-driver-client.js";

let standIn: DuckDbStandIn;

beforeAll(async () => {
  standIn = await startDuckDbStandIn();
});

afterAll(async () => {
  await standIn.close();
});

/** A raw HTTPS request to the stand-in, trusting its certificate. */
function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const { host, port, caCert } = standIn.server;
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, headers, ca: caCert }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("stand-in connection", () => {
  it("opens a session over verified TLS, passes the token and namespace to the backend, and closes it", async () => {
    const client = await connectStockClient(standIn.server);
    const opened = standIn.backend.openedWith.length;
    const session = await client.openSession({ initialCatalog: "main", initialSchema: "ml" });

    expect(session.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(standIn.backend.openedWith.slice(opened)).toEqual([
      { token: "dapi-test-token", namespace: { catalog: "main", schema: "ml" } },
    ]);
    const info = await session.getInfo(thrift.TCLIService_types.TGetInfoType.CLI_SERVER_NAME);
    expect(info.getValue()).toBe("Databricks SQL stand-in");

    const closesBefore = standIn.server.calls("CloseSession");
    await session.close();
    expect(standIn.server.calls("CloseSession")).toBe(closesBefore + 1);
    await client.close();
  });

  it("refuses a token the backend rejects, with the rendered error on openSession()", async () => {
    const client = await connectStockClient(standIn.server, { token: "dapi-wrong" });
    // The driver rejects with its StatusError (not an Error subclass): name and message only.
    await expect(client.openSession()).rejects.toMatchObject({
      name: "Status Error",
      message: "[INVALID_TOKEN] Invalid access token. SQLSTATE: 28000",
    });
    expect(standIn.backend.openedWith.at(-1)?.token).toBe("dapi-wrong");
    await client.close();
  });

  it("answers a request without a bearer token with HTTP 401, which the driver reports by status code", async () => {
    const client = await connectStockClient(standIn.server, { withoutAuthorizationHeader: true });
    const opened = standIn.backend.openedWith.length;
    await expect(client.openSession()).rejects.toMatchObject({
      name: "THTTPException",
      statusCode: 401,
      message: "Received a response with a bad HTTP status code: 401",
    });
    expect(standIn.backend.openedWith.length).toBe(opened);
    await client.close();
  });

  it("answers metadata RPCs it does not implement with a clear error status", async () => {
    const client = await connectStockClient(standIn.server);
    const session = await client.openSession();
    await expect(session.getCatalogs()).rejects.toMatchObject({
      message: "GetCatalogs is not supported by the Databricks SQL stand-in",
    });
    await session.close();
    await client.close();
  });

  it("answers out-of-band requests (feature flags, telemetry, wrong path) with JSON 404, and 401 without a token", async () => {
    const auth = { Authorization: "Bearer dapi-test-token" };
    const flags = await rawRequest("GET", "/api/2.0/connector-service/feature-flags/NODEJS/2.1.0", auth);
    expect(flags.status).toBe(404);
    expect(JSON.parse(flags.body)).toMatchObject({ error_code: "ENDPOINT_NOT_FOUND" });
    expect((await rawRequest("POST", "/telemetry-ext", auth)).status).toBe(404);
    expect((await rawRequest("GET", standIn.server.path, auth)).status).toBe(404);
    const anonymous = await rawRequest("POST", standIn.server.path, {});
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body)).toMatchObject({ error_code: "UNAUTHENTICATED" });
  });
});
