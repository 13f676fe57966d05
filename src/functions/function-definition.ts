import type { ParameterType } from "./sql-types.js";

/**
 * A prediction function: a SQL function name bound to a registered model. Plain values; the
 * YAML form and its validation live in function-definition-file.ts.
 */
export interface FunctionParameter {
  /** The SQL parameter name, and the STRUCT field name in the one-argument call form. */
  readonly name: string;
  readonly type: ParameterType;
  /** The model input it feeds. */
  readonly input: string;
}

/** What a call returns for each row. */
export type FunctionReturn =
  /** The probability of one class, as DOUBLE. */
  | { readonly kind: "probability"; readonly classLabel: string }
  /** The predicted label, typed as the model's label output (BIGINT or STRING). */
  | { readonly kind: "label" }
  /** STRUCT(label, probabilities MAP(STRING, DOUBLE), model STRING, version INT). */
  | { readonly kind: "struct" };

/** What a NULL argument does: give a NULL result for that row, or fail the statement. */
export type NullPolicy = "return_null" | "fail";

/**
 * How a call is pushed down to Databricks SQL: through the Unity Catalog function `modelsql
 * deploy` creates for it (`uc_function`, the default), or with ai_query written inline
 * (`ai_query`); either way the model runs on the Model Serving endpoint named here. Or (`sql`)
 * through a Unity Catalog function whose body is the model compiled to SQL: no endpoint.
 */
export interface DatabricksRouting {
  readonly route: "uc_function" | "ai_query" | "sql";
  /** The serving endpoint; by default derived from the function's name. */
  readonly endpoint?: string;
}

/**
 * How the function scores on the local engine: `onnx` (the ONNX Runtime UDF), `sql` (the model
 * compiled to SQL, when its parity check passed), or `auto` (compiled SQL when it passed and was
 * faster when timed; see route-choice.ts).
 */
export type ScoringRoute = "auto" | "onnx" | "sql";

export interface FunctionDefinition {
  /** Canonical three-level name, `main.ml.predict_churn`. */
  readonly name: string;
  /** A model URI: `models:/main.ml.churn@champion`, `models:/main.ml.churn/2`, `models:/main.ml.churn/Production`. */
  readonly model: string;
  readonly parameters: readonly FunctionParameter[];
  readonly returns: FunctionReturn;
  readonly onNull: NullPolicy;
  readonly description: string;
  readonly databricks?: DatabricksRouting;
  /** Absent means auto. */
  readonly route?: ScoringRoute;
}

export function describeReturn(returns: FunctionReturn): string {
  switch (returns.kind) {
    case "probability":
      return `DOUBLE (probability of class ${returns.classLabel})`;
    case "label":
      return "the predicted label";
    case "struct":
      return "STRUCT(label, probabilities, model, version)";
  }
}
