import { isSymbol, isSymbolPair, isWord, type SqlNode } from "../dialects/token-tree.js";
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
    GLOB: "Write LIKE with % and _.",
    SIMILAR: "Write regexp_matches(value, pattern), which modelsql translates.",
    PIVOT: "PIVOT output column names differ between the engines; write the CASE expressions.",
    UNPIVOT: "Write UNION ALL instead.",
    SUMMARIZE: "SUMMARIZE is DuckDB's own statement.",
  },
};

/**
 * A LIKE pattern must mean the same to both: Databricks reads a backslash in it as an escape by
 * default, DuckDB as a plain character. A string literal without backslashes, or a pattern with
 * its own ESCAPE clause, does; anything else is refused.
 */
function likePattern(t: Translation, nodes: readonly SqlNode[], index: number): void {
  const pattern = nodes[index + 1];
  if (isWord(nodes[index + 2], "ESCAPE")) return;
  if (pattern?.kind === "string" && !pattern.value.includes("\\")) return;
  throw t.unsupported(
    pattern?.start ?? nodes[index]?.start ?? 0,
    "A LIKE pattern that is not a string literal without backslashes",
    "Give the pattern an ESCAPE clause (LIKE p ESCAPE '!'), so both engines read it the same way.",
  );
}

/**
 * Keywords refused only as the clause they start (a column may be called `sort` or `sample`):
 * the word that must follow. SAMPLE is refused after USING too.
 */
const REFUSED_ONLY_BEFORE: Record<string, string> = {
  LATERAL: "VIEW",
  DISTRIBUTE: "BY",
  CLUSTER: "BY",
  SORT: "BY",
  SAMPLE: "\u0000",
  SIMILAR: "TO",
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
    const second = REFUSED_ONLY_BEFORE[keyword];
    const clause =
      second === undefined ||
      isWord(nodes[index + 1], second) ||
      (keyword === "SAMPLE" && isWord(nodes[index - 1], "USING"));
    if (keyword === "LIKE" || keyword === "ILIKE") likePattern(t, nodes, index);
    if (hint !== undefined && clause && (keyword !== "GLOB" || nodes[index + 1]?.kind === "string")) {
      throw t.unsupported(node.start, second ? `${keyword} ${second}` : keyword, hint || undefined);
    }
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
