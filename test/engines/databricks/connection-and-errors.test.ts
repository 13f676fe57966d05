import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { databricksConnectionSettings } from "../../../src/engines/databricks/databricks-connection-settings.js";
import { translateDatabricksError } from "../../../src/engines/databricks/databricks-error-translation.js";

const directory = mkdtempSync(path.join(tmpdir(), "modelsql-databrickscfg-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("connection settings", () => {
  it("reads the three environment variables, host with or without https://", () => {
    const settings = databricksConnectionSettings(
      {},
      {
        DATABRICKS_HOST: "dbc-1.cloud.databricks.com",
        DATABRICKS_HTTP_PATH: "/sql/1.0/warehouses/a1",
        DATABRICKS_TOKEN: "dapi1",
      },
    );
    expect(settings).toEqual({
      host: "dbc-1.cloud.databricks.com",
      port: 443,
      httpPath: "/sql/1.0/warehouses/a1",
      token: "dapi1",
      source: "environment",
    });
    expect(
      databricksConnectionSettings(
        {},
        { DATABRICKS_HOST: "https://127.0.0.1:8443", DATABRICKS_HTTP_PATH: "/p", DATABRICKS_TOKEN: "t" },
      ),
    ).toMatchObject({ host: "127.0.0.1", port: 8443 });
  });

  it("reads a named profile of the configuration file, with http_path or warehouse_id", () => {
    const file = path.join(directory, "databrickscfg");
    writeFileSync(
      file,
      "[DEFAULT]\nhost = https://other.cloud.databricks.com\ntoken = nope\n\n[prod]\nhost = https://dbc-2.cloud.databricks.com\ntoken = dapi2\nwarehouse_id = abc123\n\n[dev]\nhost = dbc-3.cloud.databricks.com\ntoken = dapi3\nhttp_path = /sql/1.0/warehouses/dev\n",
    );
    const environment = { DATABRICKS_CONFIG_FILE: file };
    expect(databricksConnectionSettings({ profile: "prod" }, environment)).toEqual({
      host: "dbc-2.cloud.databricks.com",
      port: 443,
      httpPath: "/sql/1.0/warehouses/abc123",
      token: "dapi2",
      source: "profile prod",
    });
    expect(databricksConnectionSettings({ profile: "dev" }, environment).httpPath).toBe(
      "/sql/1.0/warehouses/dev",
    );
    expect(() => databricksConnectionSettings({ profile: "staging" }, environment)).toThrow(
      /has no profile \[staging\].*Profiles there: DEFAULT, prod, dev/s,
    );
  });

  it("says what is missing, and refuses plain HTTP", () => {
    expect(() => databricksConnectionSettings({}, { DATABRICKS_HOST: "h" })).toThrow(
      /\[INVALID_PARAMETER_VALUE\] No Databricks connection: DATABRICKS_HTTP_PATH, DATABRICKS_TOKEN not set/,
    );
    expect(() =>
      databricksConnectionSettings(
        {},
        { DATABRICKS_HOST: "http://h", DATABRICKS_HTTP_PATH: "/p", DATABRICKS_TOKEN: "t" },
      ),
    ).toThrow(/is not HTTPS/);
  });
});

describe("driver errors", () => {
  const context = { host: "dbc-1.cloud.databricks.com" };

  it("keeps a Databricks error class modelsql knows, with the message", () => {
    // The shape of the driver's OperationStateError for a failed statement.
    const error = translateDatabricksError(
      {
        name: "Error",
        errorCode: "ERROR",
        message: "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. SQLSTATE: 42P01",
        response: { sqlState: "42P01" },
      },
      context,
    );
    expect(error.errorClass).toBe("TABLE_OR_VIEW_NOT_FOUND");
    expect(error.message).toBe(
      "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. SQLSTATE: 42P01",
    );
  });

  it("wraps a class it does not know, naming Databricks", () => {
    const error = translateDatabricksError(
      { message: "[DIVIDE_BY_ZERO] Division by zero. SQLSTATE: 22012" },
      context,
    );
    expect(error.errorClass).toBe("SQL_EXECUTION_ERROR");
    expect(error.message).toContain("Databricks: [DIVIDE_BY_ZERO] Division by zero.");
  });

  it("maps refused credentials (HTTP 401/403, INVALID_TOKEN), cancellation and unreachable hosts", () => {
    expect(
      translateDatabricksError(
        { message: "Received a response with a bad HTTP status code: 403", statusCode: 403 },
        context,
      ).errorClass,
    ).toBe("UNAUTHENTICATED");
    expect(
      translateDatabricksError(
        { name: "Status Error", message: "[INVALID_TOKEN] Invalid access token. SQLSTATE: 28000" },
        context,
      ).message,
    ).toMatch(
      /^\[UNAUTHENTICATED\] Databricks at dbc-1\.cloud\.databricks\.com refused the credentials: Invalid access token/,
    );
    expect(translateDatabricksError({ errorCode: "CANCELED", message: "canceled" }, context).errorClass).toBe(
      "OPERATION_CANCELLED",
    );
    expect(
      translateDatabricksError({ message: "request failed, reason: getaddrinfo ENOTFOUND dbc-1" }, context)
        .errorClass,
    ).toBe("CONNECTION_FAILED");
  });
});
