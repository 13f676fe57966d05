/**
 * Connects the stock, unmodified `@databricks/sql` DBSQLClient to a stand-in server the way a
 * user would connect it to a warehouse, plus the two options a loopback server needs:
 * `customCaCert` (the stand-in's self-signed certificate; certificate checking stays on) and
 * `telemetryEnabled: false` (telemetry would target https://<host> without the port, and the
 * driver skips loopback hosts anyway; off, it does not even try). `connect()` itself sends no
 * request; the first RPC is OpenSession.
 */
import { DBSQLClient } from "@databricks/sql";
import type { StandInServer } from "./stand-in-server.js";

/** A bearer token, or none at all (a custom auth provider that adds no Authorization header). */
export type StandInClientAuth = { token: string } | { withoutAuthorizationHeader: true };

export async function connectStockClient(
  server: StandInServer,
  auth: StandInClientAuth = { token: "dapi-test-token" },
): Promise<DBSQLClient> {
  // The driver logs every client creation at info level to stdout; tests do not need that.
  const client = new DBSQLClient({ logger: { log: () => undefined } });
  await client.connect({
    host: server.host,
    port: server.port,
    path: server.path,
    customCaCert: server.caCert,
    telemetryEnabled: false,
    // Fail fast instead of retrying for minutes should a test misbehave.
    retryMaxAttempts: 1,
    ...("token" in auth
      ? { token: auth.token }
      : { authType: "custom" as const, provider: { authenticate: async () => ({}) } }),
  });
  return client;
}
