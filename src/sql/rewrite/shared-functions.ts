import { isGroup, isSymbol, isWord, type SqlNode } from "../dialects/token-tree.js";

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
 * Words before a parenthesis that can only be SQL, never a function name: DuckDB reserves them
 * (`select(1)` is a syntax error there), so a `(` after one opens a subquery, a list or a clause.
 */
const RESERVED_BEFORE_PARENTHESES = new Set([
  "IN",
  "AS",
  "FROM",
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
  "WINDOW",
  "INTO",
  "TABLE",
]);

/** A group that holds a subquery. */
function isSubquery(group: SqlNode | undefined): boolean {
  return isGroup(group, "(") && isWord(group.children[0], "SELECT", "WITH", "VALUES", "FROM");
}

/**
 * Whether `name(` at nodes[index] is not a function call: a reserved word; one of the words
 * DuckDB and Spark also accept as function names (`join(1)`, `over(2)`), but only where it
 * starts its clause (`f(x) OVER (`, `JOIN (SELECT ...`, `EXISTS (SELECT ...`, `GROUP BY (`,
 * `FROM VALUES (`); a table alias's column list (`AS t(a, b)`); or a CTE's (`WITH s(a) AS (`).
 * Anything else is a call, which must pass the function checks.
 */
export function isNotACall(nodes: readonly SqlNode[], index: number, next: number): boolean {
  const first = nodes[index];
  const previous = nodes[index - 1];
  const group = nodes[next];
  if (isWord(previous, "AS")) return true;
  if (isWord(nodes[next + 1], "AS") && isGroup(nodes[next + 2], "(")) return true;
  if (next !== index + 1 || !isWord(first)) return false;
  const word = first.text.toUpperCase();
  if (RESERVED_BEFORE_PARENTHESES.has(word)) return true;
  switch (word) {
    case "OVER":
    case "WITHIN":
      return isGroup(previous, "(");
    case "EXISTS":
    case "JOIN":
      return isSubquery(group);
    case "BY":
      return isWord(previous, "GROUP", "ORDER", "PARTITION");
    case "VALUES":
      return (
        previous === undefined ||
        isWord(previous, "FROM", "JOIN", "UNION", "EXCEPT", "INTERSECT", "ALL") ||
        isSymbol(previous, ",")
      );
    default:
      return false;
  }
}
