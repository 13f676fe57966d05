import { afterAll, beforeAll, expect, it } from "vitest";
import type { ModelSqlError } from "../../src/errors.js";
import {
  type ExampleSession,
  exampleSession,
  FEATURE_COLUMNS,
  statementFailure,
} from "../helpers/example-session.js";

let example: ExampleSession;

beforeAll(async () => {
  example = await exampleSession();
});
afterAll(() => example?.cleanup());

function failure(sql: string): Promise<ModelSqlError> {
  return statementFailure(example.session, sql);
}

it("WRONG_NUM_ARGS names the function, what it takes and how many were given, at the call", async () => {
  const error = await failure(
    "SELECT customer_id,\n       predict_churn(tenure, contract) AS p\nFROM customers",
  );
  expect(error.errorClass).toBe("WRONG_NUM_ARGS");
  expect(error.message).toContain("main.ml.predict_churn takes 19 arguments");
  expect(error.message).toContain("but 2 were given");
  expect(error.position).toEqual({ line: 2, column: 8 });
});

it("DATATYPE_MISMATCH names the parameter, the expected and the given type", async () => {
  const columns = FEATURE_COLUMNS.replace("tenure", "contract");
  const error = await failure(`SELECT predict_churn(${columns}) FROM customers`);
  expect(error.errorClass).toBe("DATATYPE_MISMATCH");
  expect(error.message).toContain("parameter tenure (argument 5) expects BIGINT, but got VARCHAR");
});

it("DATATYPE_MISMATCH for a STRUCT field of the wrong type", async () => {
  const columns = FEATURE_COLUMNS.replace(
    "monthly_charges",
    "monthly_charges := CAST(monthly_charges AS VARCHAR)",
  );
  const error = await failure(`SELECT predict_churn(struct_pack(${columns})) FROM customers`);
  expect(error.errorClass).toBe("DATATYPE_MISMATCH");
  expect(error.message).toMatch(
    /parameter monthly_charges expects DOUBLE, but the STRUCT field monthly_charges is VARCHAR/,
  );
});

it("DATATYPE_MISMATCH for a missing STRUCT field names the parameter", async () => {
  const error = await failure("SELECT predict_churn({'tenure': 3, 'gender': 'Female'}) AS p");
  expect(error.errorClass).toBe("DATATYPE_MISMATCH");
  expect(error.message).toContain("STRUCT argument has no field");
  expect(error.message).toMatch(/no field (\w+) \(parameter \1 expects (STRING|BIGINT|DOUBLE)\)/);
});

it("DATATYPE_MISMATCH for one argument that is not a STRUCT", async () => {
  const error = await failure("SELECT predict_churn(42) AS p");
  expect(error.errorClass).toBe("DATATYPE_MISMATCH");
  expect(error.message).toContain("takes one STRUCT argument or 19 arguments");
});

it("a STRUCT with fields in another order is matched by name", async () => {
  const rows = await example.session.queryRows(
    `SELECT predict_churn(struct_pack(total_charges, monthly_charges, payment_method, paperless_billing, contract, streaming_movies, streaming_tv, tech_support, device_protection, online_backup, online_security, internet_service, multiple_lines, phone_service, tenure, dependents, partner, senior_citizen, gender)) AS reordered, predict_churn(${FEATURE_COLUMNS}) AS positional FROM customers`,
  );
  expect(rows.every((row) => row.reordered === row.positional)).toBe(true);
});

it("a statement that does not parse is refused with line, column and a caret", async () => {
  const error = await failure(
    "SELECT customer_id,\n  predict_churn(features) AS p\nFROM customer_features\nWHERE p >",
  );
  expect(error.errorClass).toBe("PARSE_SYNTAX_ERROR");
  expect(error.position?.line).toBe(4);
  expect(error.message).toContain("WHERE p >\n");
});

it("statements modelsql cannot check are refused, not run", async () => {
  const error = await failure("DROP TABLE customers");
  expect(error.errorClass).toBe("UNSUPPORTED_STATEMENT");
  const still = await example.session.queryRows("SELECT count(*) AS n FROM customers");
  expect(Number(still[0]?.n)).toBe(7043);
});
