import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { durationMilliseconds } from "../governance/api-token-store.js";
import type { EnginePool } from "./engine-pool.js";
import { parseRequest } from "./request-errors.js";

/** The dashboard's files live in the package's dashboard/ folder, beside dist/. */
const DASHBOARD = fileURLToPath(new URL("../../dashboard/", import.meta.url));
const CHART_JS = path.join(
  path.dirname(createRequire(import.meta.url).resolve("chart.js")),
  "chart.umd.min.js",
);

const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  "/dashboard": { file: path.join(DASHBOARD, "index.html"), type: "text/html; charset=utf-8" },
  "/dashboard/dashboard.js": {
    file: path.join(DASHBOARD, "dashboard.js"),
    type: "text/javascript; charset=utf-8",
  },
  "/dashboard/dashboard.css": {
    file: path.join(DASHBOARD, "dashboard.css"),
    type: "text/css; charset=utf-8",
  },
  "/dashboard/chart.umd.min.js": { file: CHART_JS, type: "text/javascript; charset=utf-8" },
};

const monitorQuery = z
  .object({
    since: z
      .string()
      .refine((text) => durationMilliseconds(text) !== undefined, "a duration such as 30m, 24h or 7d")
      .optional(),
    bucket: z.enum(["hour", "day"]).optional(),
  })
  .strict();

/**
 * `/dashboard`: scored rows over time per model version, the distribution of predictions, and
 * per-feature drift, for a function the token's principal may read the log of. The page is
 * static; its data comes from `GET /api/2.0/modelsql/monitor/{function}`, the same report
 * `modelsql monitor` prints.
 */
export function registerDashboardRoutes(app: FastifyInstance, pool: EnginePool): void {
  const contents = new Map(Object.entries(FILES).map(([route, entry]) => [route, readFileSync(entry.file)]));
  for (const [route, entry] of Object.entries(FILES)) {
    app.get(route, async (_request, reply) => reply.type(entry.type).send(contents.get(route)));
  }
  app.get("/dashboard/", async (_request, reply) => reply.redirect("/dashboard"));

  app.get<{ Params: { name: string } }>("/api/2.0/modelsql/monitor/:name", async (request) => {
    const query = parseRequest(
      monitorQuery,
      request.query,
      "monitor query",
      "Give since=7d and bucket=hour or day.",
    );
    const span = query.since === undefined ? undefined : durationMilliseconds(query.since);
    return pool.submit({
      kind: "monitor",
      principal: request.principal,
      functionName: request.params.name,
      bucket: query.bucket ?? "day",
      ...(span !== undefined ? { sinceMs: Date.now() - span } : {}),
    }).done;
  });
}
