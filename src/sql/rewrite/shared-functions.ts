import { isGroup, isWord, type SqlNode } from "../dialects/token-tree.js";

/**
 * Functions with the same name and the same meaning in DuckDB 1.5 and Databricks SQL, for the
 * uses prediction queries make of them. A statement that runs (query, explain, pushdown) may
 * call only these, the functions the translation tables rewrite, and the workspace's
 * prediction functions: any other function could mean something else on the other engine
 * (`regexp_replace` replaces every match in Databricks and the first in DuckDB; `split` takes a
 * regular expression in Databricks), so it is refused rather than sent.
 */
export const SHARED_FUNCTIONS: ReadonlySet<string> = new Set([
  // Aggregates.
  "count",
  "sum",
  "avg",
  "min",
  "max",
  "stddev",
  "stddev_samp",
  "stddev_pop",
  "var_samp",
  "var_pop",
  "variance",
  "corr",
  "covar_pop",
  "covar_samp",
  "any_value",
  "bool_and",
  "bool_or",
  // Window functions.
  "row_number",
  "rank",
  "dense_rank",
  "percent_rank",
  "cume_dist",
  "ntile",
  "lag",
  "lead",
  "first_value",
  "last_value",
  // Numbers.
  "abs",
  "ceil",
  "ceiling",
  "floor",
  "round",
  "sqrt",
  "exp",
  "ln",
  "log10",
  "log2",
  "power",
  "pow",
  "sign",
  "greatest",
  "least",
  // Conditionals.
  "coalesce",
  "nullif",
  "ifnull",
  "if",
  // Text.
  "lower",
  "upper",
  "trim",
  "ltrim",
  "rtrim",
  "length",
  "lpad",
  "rpad",
  "replace",
  "concat_ws",
  "md5",
  // Dates.
  "year",
  "quarter",
  "month",
  "day",
  "hour",
  "minute",
  "second",
  "extract",
  "date_part",
  "current_date",
]);

/**
 * Words that stand before a parenthesis without being a function: clause keywords, and
 * `IN (...)`, `EXISTS (...)`, `OVER (...)`, `FILTER (WHERE ...)`.
 */
const KEYWORDS_BEFORE_PARENTHESES = new Set([
  "IN",
  "EXISTS",
  "OVER",
  "FILTER",
  "VALUES",
  "AS",
  "FROM",
  "JOIN",
  "USING",
  "ON",
  "WHERE",
  "AND",
  "OR",
  "NOT",
  "SELECT",
  "WHEN",
  "THEN",
  "ELSE",
  "BY",
  "HAVING",
  "LIMIT",
  "OFFSET",
  "CASE",
  "ALL",
  "ANY",
  "SOME",
  "DISTINCT",
  "UNION",
  "EXCEPT",
  "INTERSECT",
  "WITH",
  "LATERAL",
  "QUALIFY",
  "RECURSIVE",
  "IS",
  "LIKE",
  "ILIKE",
  "BETWEEN",
  "WINDOW",
  "RETURN",
  "INTO",
  "TABLE",
  "ARRAY",
  "INTERVAL",
]);

/**
 * Whether `name(` at nodes[index] is not a function call: a keyword, a table alias's column
 * list (`AS t(a, b)`), or a CTE's column list (`WITH s(a) AS (...)`).
 */
export function isNotACall(nodes: readonly SqlNode[], index: number, next: number): boolean {
  const first = nodes[index];
  if (next === index + 1 && isWord(first) && KEYWORDS_BEFORE_PARENTHESES.has(first.text.toUpperCase()))
    return true;
  if (isWord(nodes[index - 1], "AS")) return true;
  return isWord(nodes[next + 1], "AS") && isGroup(nodes[next + 2], "(");
}
