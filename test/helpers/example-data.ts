import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";

export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const EXAMPLE_MODELS = path.join(REPOSITORY_ROOT, "examples/models");
export const LOGISTIC_REGRESSION_DIRECTORY = path.join(EXAMPLE_MODELS, "churn_logreg");
export const GRADIENT_BOOSTED_TREES_DIRECTORY = path.join(EXAMPLE_MODELS, "churn_gbt");
export const ZIPMAP_MODEL_FILE = path.join(REPOSITORY_ROOT, "test/fixtures/models/churn_logreg_zipmap.onnx");

type Row = Record<string, string>;

function readCsv(file: string): Row[] {
  return parse(readFileSync(file, "utf8"), { columns: true, skip_empty_lines: true }) as Row[];
}

/** The Telco customers as the CSV has them (all text). */
export function telcoCustomers(): Row[] {
  return readCsv(path.join(REPOSITORY_ROOT, "examples/data/telco_churn.csv"));
}

/** scikit-learn's own predictions, written by examples/train/train_churn_models.py. */
export interface GoldenPrediction {
  customerID: string;
  churn_logreg_probability: number;
  churn_logreg_label: number;
  churn_gbt_probability: number;
  churn_gbt_label: number;
}

export function goldenPredictions(): GoldenPrediction[] {
  return readCsv(path.join(EXAMPLE_MODELS, "golden_predictions.csv")).map((row) => ({
    customerID: row.customerID as string,
    churn_logreg_probability: Number(row.churn_logreg_probability),
    churn_logreg_label: Number(row.churn_logreg_label),
    churn_gbt_probability: Number(row.churn_gbt_probability),
    churn_gbt_label: Number(row.churn_gbt_label),
  }));
}

/**
 * One column of model input from the raw CSV text, the way the data arrives: numbers parsed, and
 * the blank TotalCharges of new customers as a missing value (null), for the model to impute.
 */
export function rawColumn(
  customers: readonly Row[],
  column: string,
  elementType: string,
): (string | number | null)[] {
  return customers.map((customer) => {
    const text = customer[column] as string;
    if (elementType === "string") return text;
    return text.trim() === "" ? null : Number(text);
  });
}

/**
 * One Telco customer's model inputs as an HTTP client sends them: numbers as JSON numbers, text
 * as strings, the blank TotalCharges of a new customer as null; the id and the label left out.
 */
export function modelInputRecord(row: Row): Record<string, string | number | null> {
  const numbers = new Set(["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]);
  const record: Record<string, string | number | null> = {};
  for (const [column, text] of Object.entries(row)) {
    if (column === "customerID" || column === "Churn") continue;
    record[column] = numbers.has(column) ? (text.trim() === "" ? null : Number(text)) : text;
  }
  return record;
}
