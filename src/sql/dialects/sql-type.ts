/**
 * A SQL type, independent of how a dialect spells it: what CAST(... AS <type>), `::<type>` and
 * ai_query's returnType carry across the translation. Scalars are the types both engines have
 * with the same meaning; TIMESTAMP is an instant (Databricks TIMESTAMP, DuckDB TIMESTAMPTZ)
 * and TIMESTAMP_NTZ a wall-clock time (Databricks TIMESTAMP_NTZ, DuckDB TIMESTAMP).
 */
export type ScalarTypeName =
  | "STRING"
  | "TINYINT"
  | "SMALLINT"
  | "INT"
  | "BIGINT"
  | "FLOAT"
  | "DOUBLE"
  | "BOOLEAN"
  | "DECIMAL"
  | "DATE"
  | "TIMESTAMP"
  | "TIMESTAMP_NTZ"
  | "BINARY";

export type SqlType =
  | {
      readonly kind: "scalar";
      readonly name: ScalarTypeName;
      readonly precision?: number;
      readonly scale?: number;
    }
  | { readonly kind: "array"; readonly element: SqlType }
  | { readonly kind: "struct"; readonly fields: readonly { readonly name: string; readonly type: SqlType }[] }
  | { readonly kind: "map"; readonly key: SqlType; readonly value: SqlType };
