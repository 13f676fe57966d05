import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWorkspace } from "../../src/workspace.js";
import {
  goldenPredictions,
  modelInputRecord,
  REPOSITORY_ROOT,
  telcoCustomers,
} from "../helpers/example-data.js";
import { runCli } from "../helpers/run-cli.js";
import { exampleServer, type RunningServer } from "../helpers/running-server.js";

const customers = telcoCustomers().slice(0, 20);
const golden = new Map(goldenPredictions().map((entry) => [entry.customerID, entry]));
const ENDPOINT = "/serving-endpoints/modelsql-main-ml-predict_churn/invocations";
// About two million rows through the tree model: long enough to cancel, poll and time out.
const LONG_STATEMENT =
  "SELECT count(*) AS n, avg(predict_churn(features)) AS p FROM main.sales.customer_features, range(300)";

type Statement = {
  statement_id: string;
  status: { state: string; error?: Record<string, unknown> };
} & Record<string, unknown>;

describe("modelsql serve: statements and invocations over HTTP", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await exampleServer();
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  const statement = async (principal: keyof RunningServer["tokens"], body: Record<string, unknown>) => {
    const answer = await server.call(principal, "POST", "/api/2.0/sql/statements", body);
    return { status: answer.status, body: answer.body as Statement };
  };
  const waitFor = async (principal: keyof RunningServer["tokens"], id: string, states: string[]) => {
    for (;;) {
      const answer = await server.call(principal, "GET", `/api/2.0/sql/statements/${id}`);
      const state = (answer.body as Statement).status.state;
      if (states.includes(state)) return answer.body as Statement;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it("answers health and the API description without a token", async () => {
    expect(await server.call(null, "GET", "/health")).toMatchObject({ status: 200, body: { status: "ok" } });
    const description = await server.call(null, "GET", "/api/openapi.json");
    expect(description.status).toBe(200);
    expect(Object.keys(description.body.paths as object)).toEqual(
      expect.arrayContaining([
        "/api/2.0/sql/statements",
        "/api/2.0/sql/statements/{id}",
        "/serving-endpoints/{name}/invocations",
        "/invocations",
      ]),
    );
  });

  it("refuses a request without a token, with a bad one, and with a revoked one (401)", async () => {
    const none = await server.call(null, "POST", "/api/2.0/sql/statements", { statement: "SELECT 1" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(none.body.error_code).toBe("UNAUTHENTICATED");
    const bad = await fetch(`${server.url}/api/2.0/sql/statements`, {
      method: "POST",
      headers: { authorization: "Bearer msq_not-a-real-token", "content-type": "application/json" },
      body: JSON.stringify({ statement: "SELECT 1" }),
    });
    expect(bad.status).toBe(401);
    // Revoked from another process's view of the workspace: the server's next request sees it.
    const workspace = openWorkspace(server.directory);
    const created = workspace.tokens.create("analyst", { createdBy: "admin", name: "to revoke" });
    const call = () =>
      fetch(`${server.url}/api/2.0/serving-endpoints`, {
        headers: { authorization: `Bearer ${created.token}` },
      });
    expect((await call()).status).toBe(200);
    workspace.tokens.revoke(created.details.id);
    workspace.close();
    expect((await call()).status).toBe(401);
  });

  it("scores customers through the statements API as the analyst, equal to scikit-learn", async () => {
    const { status, body } = await statement("analyst", {
      statement:
        "SELECT customer_id, predict_churn(features) AS churn_prediction FROM customer_features ORDER BY customer_id LIMIT 50",
    });
    expect(status).toBe(200);
    expect(body.status.state).toBe("SUCCEEDED");
    const manifest = body.manifest as {
      schema: { columns: { name: string; type_name: string }[] };
      total_row_count: number;
      truncated: boolean;
    };
    expect(manifest.schema.columns.map((column) => [column.name, column.type_name])).toEqual([
      ["customer_id", "STRING"],
      ["churn_prediction", "DOUBLE"],
    ]);
    expect(manifest.total_row_count).toBe(50);
    expect(manifest.truncated).toBe(false);
    const rows = (body.result as { data_array: [string, string][] }).data_array;
    expect(rows).toHaveLength(50);
    for (const [customer, prediction] of rows) {
      expect(typeof prediction).toBe("string");
      expect(Number(prediction)).toBeCloseTo(golden.get(customer)?.churn_gbt_probability as number, 5);
    }
  });

  it("lets bi_reader read churn_scores and refuses it customers with 403 and the error class", async () => {
    const view = await statement("bi_reader", {
      statement: "SELECT count(*) AS n FROM main.sales.churn_scores",
    });
    expect(view.status).toBe(200);
    expect((view.body.result as { data_array: string[][] }).data_array).toEqual([["7043"]]);
    const table = await statement("bi_reader", { statement: "SELECT * FROM main.sales.customers LIMIT 1" });
    expect(table.status).toBe(403);
    expect(table.body.status.state).toBe("FAILED");
    expect(table.body.status.error).toMatchObject({ error_code: "INSUFFICIENT_PERMISSIONS" });
    expect(String(table.body.status.error?.message)).toContain("SELECT on TABLE 'main.sales.customers'");
  });

  it("reports a failed statement as FAILED with its class, line and column", async () => {
    const { status, body } = await statement("analyst", {
      statement: "SELECT customer_id\nFROM customer_features WHERE",
    });
    expect(status).toBe(200);
    expect(body.status.state).toBe("FAILED");
    expect(body.status.error).toMatchObject({ error_code: "PARSE_SYNTAX_ERROR", line: 2 });
    const missing = await statement("analyst", { statement: "SELECT * FROM main.sales.no_such_table" });
    expect(missing.body.status.error).toMatchObject({ error_code: "TABLE_OR_VIEW_NOT_FOUND" });
  });

  it("binds named parameters as typed values, never as SQL", async () => {
    const all = telcoCustomers();
    const expected = all.filter((row) => row.Contract === "Two year" && Number(row.tenure) > 24).length;
    const bound = await statement("analyst", {
      statement:
        "SELECT count(*) AS n FROM main.sales.customers WHERE contract = :contract AND tenure > :tenure",
      parameters: [
        { name: "contract", value: "Two year" },
        { name: "tenure", value: "24", type: "INT" },
      ],
    });
    expect((bound.body.result as { data_array: string[][] }).data_array).toEqual([[String(expected)]]);
    const injected = await statement("analyst", {
      statement: "SELECT count(*) AS n FROM main.sales.customers WHERE contract = :contract",
      parameters: [{ name: "contract", value: "x' OR '1'='1" }],
    });
    expect((injected.body.result as { data_array: string[][] }).data_array).toEqual([["0"]]);
    const unbound = await statement("analyst", {
      statement: "SELECT :a AS a, :b AS b",
      parameters: [{ name: "a", value: "1" }],
    });
    expect(unbound.status).toBe(400);
    expect(unbound.body).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
  });

  it("never binds a parameter inside a dollar-quoted string, whatever its tag", async () => {
    const answer = await statement("analyst", {
      statement: "SELECT $a1$ :p $a1$ AS x",
      parameters: [{ name: "p", value: "$a1$, 40+2 AS injected --" }],
    });
    expect(answer.body.status.state).toBe("SUCCEEDED");
    const manifest = answer.body.manifest as { schema: { columns: { name: string }[] } };
    expect(manifest.schema.columns.map((column) => column.name)).toEqual(["x"]);
    expect((answer.body.result as { data_array: string[][] }).data_array).toEqual([[" :p "]]);
  });

  it("runs in the schema a request names, refuses one that does not exist, and never creates it", async () => {
    const inSales = await statement("analyst", {
      statement: "SELECT count(*) FROM customers",
      catalog: "main",
      schema: "sales",
    });
    expect((inSales.body.result as { data_array: string[][] }).data_array).toEqual([["7043"]]);
    const typo = await statement("admin", { statement: "SELECT 1", catalog: "main", schema: "sails" });
    expect(typo.body.status).toMatchObject({
      state: "FAILED",
      error: { error_code: "INVALID_PARAMETER_VALUE" },
    });
    const schemas = await statement("admin", {
      statement: "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'sails'",
    });
    expect((schemas.body.result as { data_array: string[][] }).data_array).toEqual([["0"]]);
    // The next request runs in the workspace's default schema again.
    const after = await statement("analyst", { statement: "SELECT count(*) FROM customer_features" });
    expect(after.body.status.state).toBe("SUCCEEDED");
  });

  it("cuts a result at byte_limit and says so", async () => {
    const answer = await statement("analyst", {
      statement: "SELECT customer_id FROM customer_features",
      byte_limit: 1000,
    });
    expect(answer.body.status.state).toBe("SUCCEEDED");
    const manifest = answer.body.manifest as { truncated: boolean; total_row_count: number };
    expect(manifest.truncated).toBe(true);
    expect(manifest.total_row_count).toBeGreaterThan(10);
    expect(manifest.total_row_count).toBeLessThan(100);
  });

  it("cuts a result at row_limit and says so, and serves a long result in chunks", async () => {
    const limited = await statement("analyst", {
      statement: "SELECT customer_id FROM customer_features",
      row_limit: 5,
    });
    expect((limited.body.manifest as { truncated: boolean }).truncated).toBe(true);
    expect((limited.body.result as { row_count: number }).row_count).toBe(5);
    const long = await statement("analyst", { statement: "SELECT range AS i FROM range(25000) ORDER BY i" });
    const manifest = long.body.manifest as { total_chunk_count: number; total_row_count: number };
    expect(manifest).toMatchObject({ total_chunk_count: 3, total_row_count: 25000 });
    const values: number[] = [];
    let chunk = long.body.result as { data_array: string[][]; next_chunk_internal_link?: string };
    for (;;) {
      values.push(...chunk.data_array.map(([value]) => Number(value)));
      if (!chunk.next_chunk_internal_link) break;
      chunk = (await server.call("analyst", "GET", chunk.next_chunk_internal_link)).body as typeof chunk;
    }
    expect(values).toEqual(Array.from({ length: 25000 }, (_, index) => index));
    const beyond = await server.call(
      "analyst",
      "GET",
      `/api/2.0/sql/statements/${long.body.statement_id}/result/chunks/3`,
    );
    expect(beyond.status).toBe(404);
  });

  it("answers PENDING or RUNNING past wait_timeout, and the statement can be polled, seen only by its submitter, and cancelled", async () => {
    const started = await statement("admin", { statement: LONG_STATEMENT, wait_timeout: "0s" });
    expect(["PENDING", "RUNNING"]).toContain(started.body.status.state);
    const id = started.body.statement_id;
    expect((await server.call("analyst", "GET", `/api/2.0/sql/statements/${id}`)).status).toBe(404);
    // The event loop answers while the statement scores, and so do the invocation workers.
    expect((await server.call(null, "GET", "/health")).status).toBe(200);
    const invocation = await server.call("analyst", "POST", ENDPOINT, {
      dataframe_records: [modelInputRecord(customers[0] as Record<string, string>)],
    });
    expect(invocation.status).toBe(200);
    expect((await server.call("admin", "GET", `/api/2.0/sql/statements/${id}`)).body).toMatchObject({
      status: { state: "RUNNING" },
    });
    expect((await server.call("admin", "POST", `/api/2.0/sql/statements/${id}/cancel`)).status).toBe(200);
    const cancelled = await waitFor("admin", id, ["CANCELED", "FAILED", "SUCCEEDED"]);
    expect(cancelled.status.state).toBe("CANCELED");
    // The worker stopped it: the next statement runs, and the log has it as cancelled.
    const log = await statement("admin", {
      statement:
        "SELECT status, source, principal FROM system.serving.inference_log WHERE statement_id = :id",
      parameters: [{ name: "id", value: id }],
      wait_timeout: "30s",
    });
    expect((log.body.result as { data_array: string[][] }).data_array).toEqual([
      ["cancelled", "statements_api", "admin"],
    ]);
  });

  it("reports a statement waiting behind another as PENDING, and ignores on_wait_timeout for an asynchronous request", async () => {
    const first = await statement("admin", { statement: LONG_STATEMENT, wait_timeout: "0s" });
    const second = await statement("admin", {
      statement: "SELECT 42 AS answer",
      wait_timeout: "0s",
      on_wait_timeout: "CANCEL",
    });
    expect(second.body.status.state).toBe("PENDING");
    await server.call("admin", "POST", `/api/2.0/sql/statements/${first.body.statement_id}/cancel`);
    const done = await waitFor("admin", second.body.statement_id, ["SUCCEEDED", "FAILED", "CANCELED"]);
    expect(done.status.state).toBe("SUCCEEDED");
    expect((done.result as { data_array: string[][] }).data_array).toEqual([["42"]]);
  });

  it("cancels a statement that outlives wait_timeout when on_wait_timeout is CANCEL", async () => {
    const answer = await statement("admin", {
      statement: LONG_STATEMENT,
      wait_timeout: "5s",
      on_wait_timeout: "CANCEL",
    });
    expect(answer.body.status.state).toBe("CANCELED");
  });

  it("scores the same rows in all four invocation forms, equal to scikit-learn", async () => {
    const records = customers.map((row) => modelInputRecord(row));
    const columns = Object.keys(records[0] as object);
    const expected = customers.map(
      (row) => golden.get(row.customerID as string)?.churn_gbt_probability as number,
    );
    const bodies = [
      {
        dataframe_split: { columns, data: records.map((record) => columns.map((column) => record[column])) },
      },
      { dataframe_records: records },
      { instances: records },
      {
        inputs: Object.fromEntries(
          columns.map((column) => [column, records.map((record) => record[column])]),
        ),
      },
    ];
    for (const body of bodies) {
      const answer = await server.call("analyst", "POST", ENDPOINT, body);
      expect(answer.status).toBe(200);
      const predictions = answer.body.predictions as number[];
      expect(predictions).toHaveLength(expected.length);
      for (const [index, value] of predictions.entries())
        expect(value).toBeCloseTo(expected[index] as number, 5);
    }
    // The function's own parameter names work too, and so does its three-level name as endpoint.
    const byParameter = await server.call(
      "analyst",
      "POST",
      "/serving-endpoints/main.ml.predict_churn/invocations",
      {
        dataframe_records: [
          {
            gender: "Female",
            senior_citizen: 0,
            partner: "Yes",
            dependents: "No",
            tenure: 1,
            phone_service: "No",
            multiple_lines: "No phone service",
            internet_service: "DSL",
            online_security: "No",
            online_backup: "Yes",
            device_protection: "No",
            tech_support: "No",
            streaming_tv: "No",
            streaming_movies: "No",
            contract: "Month-to-month",
            paperless_billing: "Yes",
            payment_method: "Electronic check",
            monthly_charges: 29.85,
            total_charges: 29.85,
          },
        ],
      },
    );
    expect((byParameter.body.predictions as number[])[0]).toBeCloseTo(
      golden.get("7590-VHVEG")?.churn_gbt_probability as number,
      5,
    );
  });

  it("refuses invocation input that does not fit the signature with a clear 400", async () => {
    const record = modelInputRecord(customers[0] as Record<string, string>);
    const cases: [unknown, RegExp][] = [
      [{}, /no input/],
      [{ dataframe_records: [record], instances: [record] }, /exactly one input form/],
      [
        { dataframe_records: [{ ...record, tenure: "12" }] },
        /Row 1, column 'tenure' \(BIGINT\): "12" is not a whole number/,
      ],
      [{ dataframe_records: [{ ...record, MonthlyCharges: "cheap" }] }, /column 'MonthlyCharges' \(DOUBLE\)/],
      [
        { dataframe_records: [{ gender: "Male" }] },
        /no column 'senior_citizen' \(model input 'SeniorCitizen'\)/,
      ],
      [
        { dataframe_split: { columns: ["gender"], data: [["Male", "extra"]] } },
        /row 1 has 2 values for 1 columns/,
      ],
      [{ dataframe_records: [] }, /no rows/],
      [{ instances: [[1, 2]] }, /list of 2 values; the function takes 19/],
      [{ inputs: { gender: ["Male"], tenure: [1, 2] } }, /has 2 values, but 'gender' has 1/],
      [{ dataframe_records: [record], params: { temperature: 1 } }, /params/],
      [{ rows: [record] }, /not valid/],
    ];
    for (const [body, message] of cases) {
      const answer = await server.call("analyst", "POST", ENDPOINT, body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error_code).toBe("INVALID_PARAMETER_VALUE");
      expect(String(answer.body.message)).toMatch(message);
    }
    const malformed = await server.call("analyst", "POST", ENDPOINT, "{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error_code).toBe("INVALID_PARAMETER_VALUE");
  });

  it("answers 403 to a principal without EXECUTE and 404 to an unknown endpoint or the unset default", async () => {
    const record = modelInputRecord(customers[0] as Record<string, string>);
    const denied = await server.call("bi_reader", "POST", ENDPOINT, { dataframe_records: [record] });
    expect(denied.status).toBe(403);
    expect(String(denied.body.message)).toContain("EXECUTE on FUNCTION 'main.ml.predict_churn'");
    // Refused before the input is read: the answer names no parameter of the function.
    const probing = await server.call("intern", "POST", ENDPOINT, { dataframe_records: [{}] });
    expect(probing.status).toBe(403);
    expect(String(probing.body.message)).not.toContain("senior_citizen");
    const unknown = await server.call("analyst", "POST", "/serving-endpoints/nope/invocations", {
      dataframe_records: [record],
    });
    expect(unknown.status).toBe(404);
    expect(String(unknown.body.message)).toContain("modelsql-main-ml-predict_churn");
    const unknownToReader = await server.call("bi_reader", "POST", "/serving-endpoints/nope/invocations", {
      dataframe_records: [record],
    });
    expect(String(unknownToReader.body.message)).toContain("Endpoints you may query: none");
    expect(
      (await server.call("analyst", "POST", "/invocations", { dataframe_records: [record] })).status,
    ).toBe(404);
    const listed = await server.call("analyst", "GET", "/api/2.0/serving-endpoints");
    expect((listed.body.endpoints as { name: string }[]).map((endpoint) => endpoint.name)).toEqual([
      "modelsql-main-ml-predict_churn",
    ]);
  });

  it("checks the grants on every invocation: a revoke takes effect on the next request", async () => {
    const body = { dataframe_records: [modelInputRecord(customers[3] as Record<string, string>)] };
    expect((await server.call("analyst", "POST", ENDPOINT, body)).status).toBe(200);
    const workspace = openWorkspace(server.directory);
    const fn = { type: "FUNCTION" as const, name: "main.ml.predict_churn" };
    try {
      workspace.grants.revoke(fn, "analyst", "EXECUTE");
      const denied = await server.call("analyst", "POST", ENDPOINT, body);
      expect(denied.status).toBe(403);
      expect(denied.body.error_code).toBe("INSUFFICIENT_PERMISSIONS");
    } finally {
      workspace.grants.grant(fn, "analyst", "EXECUTE", "admin");
      workspace.close();
    }
    expect((await server.call("analyst", "POST", ENDPOINT, body)).status).toBe(200);
  });

  it("records invocations and statements in the inference log with principal, source and version", async () => {
    const record = modelInputRecord(customers[1] as Record<string, string>);
    await server.call("analyst", "POST", ENDPOINT, { dataframe_records: [record, record, record] });
    const log = await statement("admin", {
      statement:
        "SELECT principal, source, model_version, rows_scored, status FROM system.serving.inference_log WHERE source = 'invocation' ORDER BY id DESC LIMIT 1",
    });
    expect((log.body.result as { data_array: string[][] }).data_array).toEqual([
      ["analyst", "invocation", "2", "3", "succeeded"],
    ]);
    const samples = await statement("admin", {
      statement:
        "SELECT s.inputs->>'tenure' AS tenure, s.prediction FROM system.serving.inference_samples s JOIN system.serving.inference_log l ON l.id = s.log_id WHERE l.source = 'invocation' ORDER BY l.id DESC LIMIT 1",
    });
    const [tenure, prediction] = (samples.body.result as { data_array: string[][] })
      .data_array[0] as string[];
    expect(Number(tenure)).toBe(record.tenure);
    expect(Number(prediction)).toBeCloseTo(
      golden.get(customers[1]?.customerID as string)?.churn_gbt_probability as number,
      5,
    );
  });

  it("runs the owner's GRANTs, after which the analyst reads the monitor report the dashboard draws", async () => {
    const route = "/api/2.0/modelsql/monitor/main.ml.predict_churn?since=1h&bucket=hour";
    const before = await server.call("analyst", "GET", route);
    expect(before.status).toBe(403);
    expect(String(before.body.message)).toContain("system.serving.inference_log");
    for (const grant of [
      "GRANT USE CATALOG ON CATALOG system TO analyst",
      "GRANT USE SCHEMA ON SCHEMA system.serving TO analyst",
      "GRANT SELECT ON TABLE system.serving.inference_log TO analyst",
      "GRANT SELECT ON TABLE system.serving.inference_samples TO analyst",
    ]) {
      expect((await statement("admin", { statement: grant })).body.status.state).toBe("SUCCEEDED");
    }
    const report = await server.call("analyst", "GET", route);
    expect(report.status).toBe(200);
    // Everything this server scored is within the last hour: the report and the log agree.
    const [[rows]] = (
      (
        await statement("admin", {
          statement:
            "SELECT sum(rows_scored) FROM system.serving.inference_log WHERE function_name = 'main.ml.predict_churn' AND status = 'succeeded'",
        })
      ).body.result as { data_array: string[][] }
    ).data_array as [[string]];
    const scoring = report.body.scoring as { rows: number }[];
    expect(scoring.reduce((sum, bucket) => sum + bucket.rows, 0)).toBe(Number(rows));
    expect((report.body.drift as { features: unknown[] }).features).toHaveLength(19);
    const bad = await server.call(
      "analyst",
      "GET",
      "/api/2.0/modelsql/monitor/main.ml.predict_churn?since=soon",
    );
    expect(bad.status).toBe(400);
  });

  it("keeps serving when a function is created in a catalog the server did not open", async () => {
    const file = path.join(server.directory, "..", "new-catalog-function.yaml");
    const definition = readFileSync(path.join(REPOSITORY_ROOT, "udfs/predict_churn.yaml"), "utf8").replace(
      "name: main.ml.predict_churn",
      "name: newcat.ml.predict_churn_elsewhere",
    );
    writeFileSync(file, definition);
    const created = await runCli(server.directory, ["functions", "create", file]);
    expect(created.code, created.stderr).toBe(0);
    const answer = await statement("analyst", { statement: "SELECT count(*) FROM customer_features" });
    expect(answer.body.status.state).toBe("SUCCEEDED");
    const dropped = await runCli(server.directory, [
      "functions",
      "drop",
      "newcat.ml.predict_churn_elsewhere",
    ]);
    expect(dropped.code, dropped.stderr).toBe(0);
  });

  it("scores with the version an alias moved to by the CLI while the server runs", async () => {
    const record = modelInputRecord(customers[2] as Record<string, string>);
    const moved = await runCli(server.directory, [
      "models",
      "alias",
      "set",
      "main.ml.churn",
      "champion",
      "1",
    ]);
    expect(moved.code, moved.stderr).toBe(0);
    const answer = await server.call("analyst", "POST", ENDPOINT, { dataframe_records: [record] });
    const expected = golden.get(customers[2]?.customerID as string)?.churn_logreg_probability as number;
    expect((answer.body.predictions as number[])[0]).toBeCloseTo(expected, 5);
  });
});

describe("modelsql serve: limits", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await exampleServer([
      "--statement-timeout",
      "2s",
      "--max-body-bytes",
      "20000",
      "--max-result-bytes",
      "5000",
      "--default-endpoint",
      "main.ml.predict_churn",
    ]);
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it("stops a statement that runs past --statement-timeout", async () => {
    const answer = await server.call("admin", "POST", "/api/2.0/sql/statements", {
      statement: LONG_STATEMENT,
      wait_timeout: "10s",
    });
    expect(answer.body).toMatchObject({
      status: { state: "FAILED", error: { error_code: "STATEMENT_TIMEOUT" } },
    });
  });

  it("answers 413 to a body over --max-body-bytes", async () => {
    const record = modelInputRecord(customers[0] as Record<string, string>);
    const answer = await server.call("analyst", "POST", "/invocations", {
      dataframe_records: Array.from({ length: 100 }, () => record),
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error_code).toBe("REQUEST_TOO_LARGE");
    expect(String(answer.body.message)).toContain("20000 bytes");
  });

  it("fails a result over --max-result-bytes with the reason, and scores through the default endpoint", async () => {
    const answer = await server.call("analyst", "POST", "/api/2.0/sql/statements", {
      statement: "SELECT customer_id FROM customer_features",
    });
    expect(answer.body).toMatchObject({
      status: { state: "FAILED", error: { error_code: "RESULT_TOO_LARGE" } },
    });
    const record = modelInputRecord(customers[0] as Record<string, string>);
    const scored = await server.call("analyst", "POST", "/invocations", { dataframe_records: [record] });
    expect(scored.status).toBe(200);
    expect((scored.body.predictions as number[])[0]).toBeCloseTo(
      golden.get(customers[0]?.customerID as string)?.churn_gbt_probability as number,
      5,
    );
  });
});
