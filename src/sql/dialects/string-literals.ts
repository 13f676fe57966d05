/**
 * Reading quoted text the way each dialect's lexer does, so a literal's value survives the
 * translation exactly:
 * - `plain`: DuckDB '' strings and quoted names: a doubled quote is one quote, backslashes are
 *   plain characters.
 * - `c`: DuckDB's E'' strings (PostgreSQL's rules): \b \f \n \r \t, \ooo octal (1 to 3 digits),
 *   \xhh (1 or 2 hex digits), \uXXXX, \UXXXXXXXX; any other escaped character is itself.
 * - `spark`: Spark SQL strings (its unescapeSQLString): \uXXXX, \ooo octal (3 digits, first
 *   0-3), \0 \b \n \r \t \Z; \% and \_ keep their backslash (LIKE escapes); any other escaped
 *   character is itself. A doubled quote is not an escape in Spark.
 */
export type EscapeStyle = "plain" | "c" | "spark";

const C_ESCAPES: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const SPARK_ESCAPES: Record<string, string> = {
  "0": "\0",
  b: "\b",
  n: "\n",
  r: "\r",
  t: "\t",
  Z: "\u001a",
  "%": "\\%",
  _: "\\_",
};

/** One escape sequence at sql[index] (a backslash): its value and length. */
function escapeAt(sql: string, index: number, style: "c" | "spark"): { value: string; length: number } {
  const rest = sql.slice(index + 1);
  const codePoint = (hex: string, length: number) => ({
    value: String.fromCodePoint(Number.parseInt(hex, 16)),
    length,
  });
  const unicode4 = /^u([0-9a-fA-F]{4})/.exec(rest);
  if (unicode4) return codePoint(unicode4[1] as string, 6);
  if (style === "c") {
    const unicode8 = /^U([0-9a-fA-F]{8})/.exec(rest);
    if (unicode8) return codePoint(unicode8[1] as string, 10);
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(rest);
    if (hex) return codePoint(hex[1] as string, 2 + (hex[1] as string).length);
    const octal = /^[0-7]{1,3}/.exec(rest);
    if (octal)
      return { value: String.fromCharCode(Number.parseInt(octal[0], 8) & 0xff), length: 1 + octal[0].length };
    const next = rest[0] ?? "";
    return { value: C_ESCAPES[next] ?? next, length: 2 };
  }
  const octal = /^[0-3][0-7][0-7]/.exec(rest);
  if (octal) return { value: String.fromCharCode(Number.parseInt(octal[0], 8)), length: 4 };
  const next = rest[0] ?? "";
  return { value: SPARK_ESCAPES[next] ?? next, length: 2 };
}

/** Reads a quoted run from `start` (at the opening quote); its value and end, or undefined if unterminated. */
export function readQuoted(
  sql: string,
  start: number,
  quote: string,
  style: EscapeStyle,
): { value: string; end: number } | undefined {
  let value = "";
  let index = start + 1;
  while (index < sql.length) {
    const char = sql[index] as string;
    if (style !== "plain" && char === "\\") {
      if (index + 1 >= sql.length) return undefined;
      const decoded = escapeAt(sql, index, style);
      value += decoded.value;
      index += decoded.length;
    } else if (char === quote && sql[index + 1] === quote && style !== "spark") {
      value += quote;
      index += 2;
    } else if (char === quote) {
      return { value, end: index + 1 };
    } else {
      value += char;
      index += 1;
    }
  }
  return undefined;
}
