import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelInputRecord, telcoCustomers } from "../helpers/example-data.js";
import { exampleServer, type RunningServer } from "../helpers/running-server.js";

const SECONDS = 8;

describe("modelsql serve under concurrent invocations and statements", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await exampleServer();
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it("answers every request without an error and keeps /health answering", async () => {
    const [customer] = telcoCustomers();
    const record = modelInputRecord(customer as Record<string, string>);
    const failedStatements: string[] = [];
    const predictions = new Set<string>();
    const invocations = autocannon({
      url: `${server.url}/serving-endpoints/modelsql-main-ml-predict_churn/invocations`,
      connections: 4,
      duration: SECONDS,
      requests: [
        {
          method: "POST",
          headers: { authorization: `Bearer ${server.tokens.analyst}`, "content-type": "application/json" },
          body: JSON.stringify({ dataframe_records: [record, record] }),
          onResponse: (_status, body) => {
            predictions.add(body);
          },
        },
      ],
    });
    const statements = autocannon({
      url: `${server.url}/api/2.0/sql/statements`,
      connections: 2,
      duration: SECONDS,
      requests: [
        {
          method: "POST",
          headers: { authorization: `Bearer ${server.tokens.analyst}`, "content-type": "application/json" },
          body: JSON.stringify({
            statement:
              "SELECT count(*) AS n, avg(predict_churn(features)) AS p FROM customer_features WHERE features.tenure < 12",
            wait_timeout: "50s",
          }),
          onResponse: (_status, body) => {
            const state = (JSON.parse(body) as { status: { state: string } }).status.state;
            if (state !== "SUCCEEDED") failedStatements.push(body.slice(0, 300));
          },
        },
      ],
    });
    const health: { status: number; ms: number }[] = [];
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      const start = performance.now();
      const response = await fetch(`${server.url}/health`);
      await response.arrayBuffer();
      health.push({ status: response.status, ms: performance.now() - start });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [invoked, ran] = await Promise.all([invocations, statements]);

    for (const result of [invoked, ran]) {
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.non2xx).toBe(0);
      expect(result.requests.total).toBeGreaterThan(0);
    }
    expect(failedStatements).toEqual([]);
    // Every invocation of the same row answered the same prediction.
    expect(predictions.size).toBe(1);
    expect(health.every((check) => check.status === 200)).toBe(true);
    // Responsive: never held for a second, which a scoring statement on the event loop would do.
    expect(Math.max(...health.map((check) => check.ms))).toBeLessThan(1000);
    expect(health.length).toBeGreaterThan(SECONDS * 5);
  });
});
