import { z } from "zod";
import type { PlainValue } from "../engines/duckdb/result-values.js";
import { ModelSqlError } from "../errors.js";
import type { FunctionDefinition, FunctionParameter } from "../functions/function-definition.js";

const cell = z.unknown();
const records = z.array(z.record(z.string(), cell));

/**
 * The request body of `POST /serving-endpoints/{name}/invocations`, as Databricks Model Serving
 * and `mlflow models serve` take it: exactly one of the four input forms. `params` is accepted
 * by MLflow for models with inference parameters; these functions take none.
 */
export const invocationBody = z
  .object({
    dataframe_split: z
      .object({
        columns: z.array(z.string()),
        data: z.array(z.array(cell)),
        index: z.array(cell).optional(),
      })
      .optional(),
    dataframe_records: records.optional(),
    instances: z.union([records, z.array(z.array(cell))]).optional(),
    inputs: z.union([records, z.record(z.string(), z.array(cell))]).optional(),
    params: z.record(z.string(), cell).optional(),
  })
  .strict();

export type InvocationBody = z.infer<typeof invocationBody>;

const FLOAT32_MAX = 3.4028234663852886e38;

const FORMS = ["dataframe_split", "dataframe_records", "instances", "inputs"] as const;

function invalid(detail: string, hint: string): ModelSqlError {
  return new ModelSqlError("INVALID_PARAMETER_VALUE", detail, { hint });
}

/** The request's rows as named cells, whichever form it came in. */
function namedRows(
  body: InvocationBody,
  parameters: readonly FunctionParameter[],
): Record<string, unknown>[] {
  const given = FORMS.filter((form) => body[form] !== undefined);
  if (given.length !== 1) {
    throw invalid(
      given.length === 0
        ? "The request has no input"
        : `The request has ${given.join(" and ")}; exactly one input form is allowed`,
      `Send one of ${FORMS.join(", ")}, for example {"dataframe_split": {"columns": [...], "data": [[...]]}}.`,
    );
  }
  if (body.params && Object.keys(body.params).length > 0) {
    throw invalid(
      `The request has params (${Object.keys(body.params).join(", ")}), which prediction functions do not take`,
      "Leave params out.",
    );
  }
  if (body.dataframe_split) {
    const { columns, data } = body.dataframe_split;
    return data.map((row, index) => {
      if (row.length !== columns.length) {
        throw invalid(
          `dataframe_split row ${index + 1} has ${row.length} values for ${columns.length} columns`,
          "Give each row one value per column, in the order of columns.",
        );
      }
      return Object.fromEntries(columns.map((column, position) => [column, row[position]]));
    });
  }
  if (body.dataframe_records) return body.dataframe_records;
  const listed = body.instances ?? body.inputs;
  if (Array.isArray(listed)) {
    return listed.map((row, index) => {
      if (!Array.isArray(row)) return row;
      // A row as a list holds one value per parameter, in the function's parameter order.
      if (row.length !== parameters.length) {
        throw invalid(
          `Row ${index + 1} is a list of ${row.length} values; the function takes ${parameters.length}`,
          `Give the values in this order: ${parameters.map((parameter) => parameter.name).join(", ")}; or send named columns.`,
        );
      }
      return Object.fromEntries(parameters.map((parameter, position) => [parameter.name, row[position]]));
    });
  }
  // Columnar `inputs`: a list of values per column, all of one length.
  const columns = Object.entries(listed ?? {});
  const length = columns[0]?.[1].length ?? 0;
  const ragged = columns.find(([, values]) => values.length !== length);
  if (ragged) {
    throw invalid(
      `inputs column '${ragged[0]}' has ${ragged[1].length} values, but '${columns[0]?.[0]}' has ${length}`,
      "Give every column the same number of values.",
    );
  }
  return Array.from({ length }, (_, row) =>
    Object.fromEntries(columns.map(([name, values]) => [name, values[row]])),
  );
}

/** Checks one cell against its parameter's SQL type; returns it as the literal's value. */
function checkedCell(value: unknown, parameter: FunctionParameter, where: string): PlainValue {
  if (value === null || value === undefined) return null;
  const describe = () => `${where} (${parameter.type}): ${JSON.stringify(value)}`;
  switch (parameter.type) {
    case "STRING":
      if (typeof value === "string") return value;
      throw invalid(`${describe()} is not a string`, "Send the value as a JSON string.");
    case "BOOLEAN":
      if (typeof value === "boolean") return value;
      throw invalid(`${describe()} is not a boolean`, "Send true or false.");
    case "INT":
      if (typeof value === "number" && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31)
        return value;
      throw invalid(
        `${describe()} is not a whole number of 32 bits`,
        "Send a JSON number without a fraction, within ±2147483647.",
      );
    case "BIGINT":
      if (typeof value === "number" && Number.isSafeInteger(value)) return value;
      throw invalid(`${describe()} is not a whole number`, "Send a JSON number without a fraction.");
    case "FLOAT":
      // Beyond float32's range a value would become Infinity, which no model was trained on.
      if (typeof value === "number" && Math.abs(value) <= FLOAT32_MAX) return value;
      throw invalid(
        `${describe()} is not a number within FLOAT's range`,
        "Send a JSON number, or null for a missing value.",
      );
    case "DOUBLE":
      if (typeof value === "number" && Number.isFinite(value)) return value;
      throw invalid(`${describe()} is not a number`, "Send a JSON number, or null for a missing value.");
  }
}

/**
 * The rows of an invocation, checked against the function's signature: one value per
 * parameter, in parameter order. A column is named as the function's parameter
 * (`monthly_charges`) or as the model input it feeds (`MonthlyCharges`); columns the function
 * does not take are ignored, as MLflow's scoring server ignores them.
 */
export function invocationRows(body: InvocationBody, definition: FunctionDefinition): PlainValue[][] {
  const rows = namedRows(body, definition.parameters);
  if (rows.length === 0) {
    throw invalid("The request has no rows", "Send at least one row to score.");
  }
  const keys = definition.parameters.map((parameter) => {
    const sample = rows[0] as Record<string, unknown>;
    if (parameter.name in sample) return parameter.name;
    if (parameter.input in sample) return parameter.input;
    throw invalid(
      `The request has no column '${parameter.name}' (model input '${parameter.input}') for ${definition.name}`,
      `Send these columns: ${definition.parameters.map((candidate) => `${candidate.name} ${candidate.type}`).join(", ")}.`,
    );
  });
  return rows.map((row, index) =>
    definition.parameters.map((parameter, position) => {
      const key = keys[position] as string;
      if (!(key in row)) {
        throw invalid(`Row ${index + 1} has no column '${key}'`, "Give every row the same columns.");
      }
      return checkedCell(row[key], parameter, `Row ${index + 1}, column '${key}'`);
    }),
  );
}
