/**
 * A stand-in server on a fresh in-memory DuckDB backend, for one test file (beforeAll/afterAll).
 */
import { DuckDbTestBackend } from "./duckdb-test-backend.js";
import { type StandInServer, startStandInServer } from "./stand-in-server.js";

export interface DuckDbStandIn {
  backend: DuckDbTestBackend;
  server: StandInServer;
  close(): Promise<void>;
}

export async function startDuckDbStandIn(): Promise<DuckDbStandIn> {
  const backend = await DuckDbTestBackend.create();
  const server = await startStandInServer({ backend });
  return {
    backend,
    server,
    close: async () => {
      await server.close();
      backend.close();
    },
  };
}
