/**
 * Decodes the statement parameters the driver sends in TExecuteStatementReq.parameters.
 *
 * Verified in @databricks/sql 2.1.0 (DBSQLParameter.toSparkParameter, ThriftSessionBackend):
 * - parameters are only sent when the server's protocol version is >= SPARK_CLI_SERVICE_PROTOCOL_V8;
 * - named parameters carry `name`, ordinal ones carry neither `name` nor `ordinal` (their position
 *   in the list is their order), and the driver refuses to mix the two kinds;
 * - every value is `value.stringValue` plus a Spark type name in `type`: booleans as TRUE/FALSE,
 *   numbers as `String(n)` typed INTEGER/BIGINT/DOUBLE by magnitude, bigint as BIGINT, a Date as
 *   `toISOString()` typed TIMESTAMP (or `YYYY-MM-DD` when the caller typed it DATE), anything else
 *   as STRING; null/undefined is sent with neither `type` nor `value` (SQL NULL).
 *
 * They are mapped back to the JS value a caller most likely passed: BOOLEAN → boolean,
 * INTEGER/SMALLINT/TINYINT/FLOAT/DOUBLE → number, BIGINT → bigint (exact), DATE → Date at UTC
 * midnight, TIMESTAMP/TIMESTAMP_NTZ → Date (text without a zone is read as UTC), STRING, DECIMAL
 * (kept exact) and intervals → the string as sent, no value → null.
 */
import type { TSparkParameter } from "@databricks/sql/thrift/TCLIService_types.js";

/** A Date from DATE or TIMESTAMP text; text without a zone is UTC. Unparseable text is kept. */
function parseUtcDate(text: string): Date | string {
  let iso = text;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) iso = `${text}T00:00:00Z`;
  else if (!/(?:Z|[+-]\d\d:?\d\d)$/i.test(text)) iso = `${text.replace(" ", "T")}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? text : date;
}

export function sparkParameterValue(parameter: TSparkParameter): unknown {
  const value = parameter.value;
  if (!value || !parameter.type) return null;
  if (value.stringValue === undefined || value.stringValue === null) {
    // The driver never sends these, but they exist in the Thrift struct.
    return value.doubleValue ?? value.booleanValue ?? null;
  }
  const text = value.stringValue;
  switch (parameter.type.toUpperCase()) {
    case "BOOLEAN":
      return text.toUpperCase() === "TRUE";
    case "INTEGER":
    case "INT":
    case "SMALLINT":
    case "TINYINT":
    case "FLOAT":
    case "DOUBLE":
      return Number(text);
    case "BIGINT":
      return /^[+-]?\d+$/.test(text) ? BigInt(text) : Number(text);
    case "DATE":
    case "TIMESTAMP":
    case "TIMESTAMP_NTZ":
    case "TIMESTAMP_LTZ":
      return parseUtcDate(text);
    default:
      return text;
  }
}

export function decodeSparkParameters(parameters: readonly TSparkParameter[] | null | undefined): {
  namedParameters: Record<string, unknown>;
  ordinalParameters: unknown[];
} {
  const namedParameters: Record<string, unknown> = {};
  const ordinalParameters: unknown[] = [];
  for (const parameter of parameters ?? []) {
    if (parameter.name) {
      namedParameters[parameter.name] = sparkParameterValue(parameter);
    } else if (parameter.ordinal !== undefined && parameter.ordinal !== null) {
      // Not sent by the Node driver; other clients number ordinals from 1.
      ordinalParameters[parameter.ordinal - 1] = sparkParameterValue(parameter);
    } else {
      ordinalParameters.push(sparkParameterValue(parameter));
    }
  }
  return { namedParameters, ordinalParameters };
}
