/**
 * The SQL types a prediction function's parameters may have, and which ONNX input element types
 * each can feed. Names follow Databricks SQL; DuckDB spells a few differently (see duckdbTypeName).
 */
export const PARAMETER_TYPES = ["BOOLEAN", "INT", "BIGINT", "FLOAT", "DOUBLE", "STRING"] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** Accepted spellings, upper-cased, for each canonical type (Databricks and DuckDB names). */
const SYNONYMS: Readonly<Record<string, ParameterType>> = {
  BOOLEAN: "BOOLEAN",
  BOOL: "BOOLEAN",
  INT: "INT",
  INTEGER: "INT",
  INT4: "INT",
  BIGINT: "BIGINT",
  LONG: "BIGINT",
  INT8: "BIGINT",
  FLOAT: "FLOAT",
  REAL: "FLOAT",
  FLOAT4: "FLOAT",
  DOUBLE: "DOUBLE",
  FLOAT8: "DOUBLE",
  STRING: "STRING",
  VARCHAR: "STRING",
  TEXT: "STRING",
};

export function parseParameterType(text: string): ParameterType | undefined {
  return SYNONYMS[text.trim().toUpperCase()];
}

/** The type as DuckDB names it in a function signature and in its error messages. */
export function duckdbTypeName(type: ParameterType): string {
  switch (type) {
    case "INT":
      return "INTEGER";
    case "STRING":
      return "VARCHAR";
    default:
      return type;
  }
}

/**
 * ONNX element types each SQL type may feed. A DOUBLE may feed a float32 input: skl2onnx
 * models take float32 and scikit-learn itself casts float64 features to float32 before the trees.
 */
const FEEDS: Readonly<Record<ParameterType, readonly string[]>> = {
  BOOLEAN: ["bool"],
  INT: ["int32", "int64", "float32", "float64"],
  BIGINT: ["int64", "float32", "float64"],
  FLOAT: ["float32", "float64"],
  DOUBLE: ["float32", "float64"],
  STRING: ["string"],
};

export function canFeed(type: ParameterType, elementType: string): boolean {
  return FEEDS[type].includes(elementType);
}

/** The natural SQL type for an ONNX input: used to suggest a parameter type in messages. */
export function suggestedType(elementType: string): ParameterType | undefined {
  switch (elementType) {
    case "bool":
      return "BOOLEAN";
    case "int32":
      return "INT";
    case "int64":
      return "BIGINT";
    case "float32":
      return "FLOAT";
    case "float64":
      return "DOUBLE";
    case "string":
      return "STRING";
    default:
      return undefined;
  }
}
