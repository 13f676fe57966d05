import type { SparkParseResult, SparkParser } from "./spark-parser.js";

/**
 * Open-source Spark's parser refuses every GRANT and REVOKE (INVALID_STATEMENT_OR_CLAUSE: they sit
 * in its list of unsupported Hive commands; verified with pyspark 4.3.0), although Databricks (Unity
 * Catalog) runs them. So a GRANT/REVOKE is checked here in two halves: its shape against Databricks'
 * documented grammar
 *
 *   GRANT  <privilege>[, ...] ON <securable type> <name> TO   <principal>
 *   REVOKE <privilege>[, ...] ON <securable type> <name> FROM <principal>
 *
 * (the same shape that src/sql/analyse/governance-statements.ts accepts), and the securable's name
 * and the principal through Spark's own identifier parser, which is where quoting mistakes show
 * (a principal like analyst@example.com must be in backticks).
 */

const STATEMENT =
  /^\s*(GRANT|REVOKE)\s+(.+?)\s+ON\s+(CATALOG|SCHEMA|DATABASE|TABLE|VIEW|FUNCTION|MODEL|VOLUME)\s+(.+?)\s+(TO|FROM)\s+(.+?)\s*;?\s*$/is;
const PRIVILEGE = /^[A-Z]+(?: [A-Z]+)*$/i;
/** One identifier: a principal is a user, group or service principal name, never a dotted path. */
const ONE_PART = /^(?:`(?:[^`]|``)+`|[A-Z_][A-Z0-9_]*)$/i;

function failure(error: string): SparkParseResult {
  return { ok: false, error };
}

export async function checkGrantWithSpark(parser: SparkParser, sql: string): Promise<SparkParseResult> {
  const match = STATEMENT.exec(sql);
  if (!match) return failure(`not GRANT|REVOKE <privileges> ON <securable type> <name> TO|FROM <principal>`);
  const [, verb = "", privileges = "", , name = "", preposition = "", principal = ""] = match;
  const expected = verb.toUpperCase() === "GRANT" ? "TO" : "FROM";
  if (preposition.toUpperCase() !== expected) return failure(`${verb} names its principal with ${expected}`);
  for (const privilege of privileges.split(",")) {
    const words = privilege.trim().replace(/\s+/g, " ");
    if (!PRIVILEGE.test(words)) return failure(`not a privilege: '${privilege.trim()}'`);
  }
  for (const [what, text] of [
    ["securable name", name],
    ["principal", principal],
  ] as const) {
    const parsed = await parser.parse(text, "multipartIdentifier");
    if (!parsed.ok) return failure(`${what} '${text}' does not parse in Spark: ${parsed.error}`);
  }
  if (!ONE_PART.test(principal)) return failure(`principal '${principal}' is not one identifier`);
  return { ok: true };
}
