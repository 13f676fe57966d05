import { isSymbol, isSymbolPair, type SqlNode } from "../dialects/token-tree.js";
import type { RuleResult, Translation } from "./dialect-translation.js";

/** Keywords whose clause one dialect has and the other has not, or has with another meaning. */
const REFUSED_KEYWORDS: Record<"duckdb" | "databricks", Record<string, string>> = {
  databricks: {
    LATERAL: "Write the explode in the select list (DuckDB: unnest) or join a subquery.",
    DISTRIBUTE: "DISTRIBUTE BY places rows on Spark executors; DuckDB has no counterpart.",
    CLUSTER: "CLUSTER BY places rows on Spark executors; use ORDER BY.",
    SORT: "SORT BY sorts within Spark partitions only; use ORDER BY.",
    RLIKE: "Write regexp_like(value, pattern), which modelsql translates.",
    REGEXP: "Write regexp_like(value, pattern), which modelsql translates.",
    TABLESAMPLE: "Sampling methods differ between the engines; sample with a WHERE on a hash.",
    PIVOT: "PIVOT output column names differ between the engines; write the CASE expressions.",
    UNPIVOT: "Write UNION ALL instead.",
    IDENTIFIER: "Write the name itself.",
  },
  duckdb: {
    LAMBDA: "Write the lambda as x -> expression.",
    ASOF: "Databricks has no ASOF JOIN.",
    POSITIONAL: "Databricks has no POSITIONAL JOIN.",
    SAMPLE: "Sampling methods differ between the engines; sample with a WHERE on a hash.",
    USING_SAMPLE: "",
    GLOB: "Write LIKE with % and _.",
    SIMILAR: "Write regexp_matches(value, pattern), which modelsql translates.",
    PIVOT: "PIVOT output column names differ between the engines; write the CASE expressions.",
    UNPIVOT: "Write UNION ALL instead.",
    SUMMARIZE: "SUMMARIZE is DuckDB's own statement.",
  },
};

/**
 * Operators and keywords: named-argument arrows, integer division, null-safe equality, and the
 * operators whose meaning differs (`^` is power in DuckDB and XOR in Databricks), which are
 * refused rather than rewritten.
 */
export function translateOperator(
  t: Translation,
  nodes: readonly SqlNode[],
  index: number,
): RuleResult | undefined {
  if (t.from.name === t.to.name) return undefined;
  const node = nodes[index] as SqlNode;
  if (node.kind === "word") {
    const keyword = node.text.toUpperCase();
    if (keyword === "FROM" && t.from.name === "duckdb" && isSymbol(nodes[index - 1], ";")) {
      throw t.unsupported(node.start, "A query that starts with FROM", "Start it with SELECT.");
    }
    const hint = REFUSED_KEYWORDS[t.from.name][keyword];
    if (hint !== undefined) throw t.unsupported(node.start, `${keyword}`, hint || undefined);
    if (keyword === "DIV" && t.from.name === "databricks")
      return { text: t.to.integerDivisionOperator, next: index + 1 };
    return undefined;
  }
  if (node.kind !== "symbol") return undefined;
  const from = t.from.namedArgumentOperator;
  if (isSymbolPair(nodes, index, from[0] as string, from[1] as string)) {
    return { text: t.to.namedArgumentOperator, next: index + 2 };
  }
  if (t.from.name === "duckdb" && isSymbolPair(nodes, index, "/", "/")) {
    return { text: t.to.integerDivisionOperator, next: index + 2 };
  }
  if (
    t.from.name === "databricks" &&
    isSymbolPair(nodes, index, "<", "=") &&
    isSymbolPair(nodes, index + 1, "=", ">")
  ) {
    return { text: "IS NOT DISTINCT FROM", next: index + 3 };
  }
  if (node.text === "^") {
    throw t.unsupported(
      node.start,
      "The ^ operator",
      "It is power in DuckDB and bitwise XOR in Databricks: write power(a, b) or xor.",
    );
  }
  if (t.from.name === "duckdb" && isSymbolPair(nodes, index, "*", "*")) {
    throw t.unsupported(node.start, "The ** operator", "Write power(a, b).");
  }
  if (
    node.text === "~" ||
    node.text === "@" ||
    (node.text === "!" && !isSymbolPair(nodes, index, "!", "="))
  ) {
    throw t.unsupported(
      node.start,
      `The ${node.text} operator`,
      "Its meaning differs between the engines; write the function.",
    );
  }
  if (t.from.name === "duckdb" && isSymbolPair(nodes, index, "-", ">")) {
    const after = nodes[index + 2];
    if (isSymbol(after, ">") || (after && (after.kind === "string" || after.kind === "number"))) {
      throw t.unsupported(
        node.start,
        "DuckDB's JSON operator ->",
        "Write json_extract / get_json_object per engine.",
      );
    }
  }
  if (t.from.name === "databricks" && node.text === ":" && !isSymbolPair(nodes, index, ":", ":")) {
    const previous = nodes[index - 1];
    if (previous && !isSymbol(previous, ":")) {
      throw t.unsupported(
        node.start,
        "Databricks' JSON path syntax value:field",
        "Write get_json_object(value, '$.field').",
      );
    }
  }
  return undefined;
}
