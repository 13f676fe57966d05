import { type DialectToken, OPERATOR_WORDS } from "../dialects/dialect-tokens.js";
import {
  isGroup,
  isSymbol,
  isSymbolPair,
  isWord,
  type SqlNode,
  splitArguments,
  type TokenGroup,
} from "../dialects/token-tree.js";
import type { RuleResult, Translation } from "./dialect-translation.js";

/** Whether a node ends an operand, so a `[` after it is a subscript rather than a list. */
function endsOperand(node: SqlNode | undefined): boolean {
  if (!node) return false;
  if (node.kind === "group") return true;
  if (node.kind === "identifier" || node.kind === "string") return true;
  if (node.kind === "word")
    return !OPERATOR_WORDS.has(node.text.toUpperCase()) && !isWord(node, "ARRAY", "MAP");
  return false;
}

/** `x[i]`: positions move by the dialects' first index; string keys (maps, structs) stay. */
function subscript(t: Translation, group: TokenGroup): string {
  const children = group.children;
  const [only] = children;
  if (children.length === 1 && only?.kind === "string") return `[${t.token(only)}]`;
  const negative = children.length === 2 && isSymbol(children[0], "-") && children[1]?.kind === "number";
  const number =
    children.length === 1 && only?.kind === "number" && /^\d+$/.test(only.text)
      ? Number(only.text)
      : undefined;
  if (number !== undefined) {
    const position = number - t.from.firstArrayIndex + t.to.firstArrayIndex;
    if (number >= t.from.firstArrayIndex) return `[${position}]`;
  }
  throw t.unsupported(
    group.start,
    negative || number !== undefined
      ? `The subscript ${t.written([group])}`
      : `The computed subscript ${t.written([group])}`,
    "Lists count from 1 in DuckDB and arrays from 0 in Databricks: modelsql moves literal positions only. Write element_at(x, i) in Databricks SQL (1-based) or a literal position.",
  );
}

/** DuckDB `[a, b]` (or `ARRAY[a, b]`); a list comprehension `[x FOR x IN l]` has no translation. */
function duckdbList(t: Translation, group: TokenGroup): string {
  const comprehension = group.children.find((child) => isWord(child, "FOR"));
  if (comprehension)
    throw t.unsupported(comprehension.start, "A list comprehension", "Write list_transform / list_filter.");
  return t.to.sqlArray(splitArguments(group.children).map((item) => t.render(item)));
}

const ORDER_BY_END = new Set([
  "LIMIT",
  "OFFSET",
  "FETCH",
  "ROWS",
  "RANGE",
  "GROUPS",
  "UNION",
  "EXCEPT",
  "INTERSECT",
  "WINDOW",
  "QUALIFY",
]);

/**
 * `ORDER BY` items, each with its NULLs placed explicitly where it did not say: DuckDB puts
 * NULLs last whatever the direction; Databricks first when ascending and last when descending
 * (both checked on the engines), so an item without NULLS FIRST/LAST would order differently.
 */
function orderBy(t: Translation, nodes: readonly SqlNode[], index: number): RuleResult {
  let end = index + 2;
  while (
    end < nodes.length &&
    !isSymbol(nodes[end], ";") &&
    !(isWord(nodes[end]) && ORDER_BY_END.has((nodes[end] as DialectToken).text.toUpperCase()))
  )
    end += 1;
  const items = splitArguments(nodes.slice(index + 2, end)).map((item) => {
    const text = t.render(item);
    if (item.some((node) => isWord(node, "NULLS"))) return text;
    const descending = isWord(item[item.length - 1], "DESC");
    const nullsLast = t.from.name === "duckdb" || descending;
    return `${text} NULLS ${nullsLast ? "LAST" : "FIRST"}`;
  });
  const head = `${t.render(nodes.slice(index, index + 1))}${t.gap(nodes[index]?.end ?? 0, nodes[index + 1]?.start ?? 0)}${t.render(nodes.slice(index + 1, index + 2))} `;
  return { text: head + items.join(", "), next: end };
}

/** DuckDB `{'a': x, b: y}`: fields separated by commas, each `key: value`. */
function duckdbStruct(t: Translation, group: TokenGroup): string {
  const fields = splitArguments(group.children).map((field) => {
    const [key, colon] = field;
    if (
      !key ||
      !isSymbol(colon, ":") ||
      (key.kind !== "string" && key.kind !== "word" && key.kind !== "identifier")
    ) {
      throw t.unsupported(group.start, "A struct literal field that is not `name: value`");
    }
    return { name: (key as DialectToken).value, value: t.render(field.slice(2)) };
  });
  return t.to.sqlStruct(fields);
}

/** DuckDB `MAP {k: v, ...}`. */
function duckdbMap(t: Translation, group: TokenGroup): string {
  const entries = splitArguments(group.children).map((entry) => {
    const colon = entry.findIndex((node) => isSymbol(node, ":"));
    if (colon <= 0) throw t.unsupported(group.start, "A MAP literal entry that is not `key: value`");
    return { key: t.render(entry.slice(0, colon)), value: t.render(entry.slice(colon + 1)) };
  });
  return t.to.sqlMap(entries);
}

/**
 * Constructs spelled differently: DuckDB's struct, list and map literals, subscripts, `::`
 * casts, and the star's column exclusion (`* EXCLUDE` / `* EXCEPT`).
 */
export function translateConstruct(
  t: Translation,
  nodes: readonly SqlNode[],
  index: number,
): RuleResult | undefined {
  if (t.from.name === t.to.name) return undefined;
  const node = nodes[index] as SqlNode;
  const previous = nodes[index - 1];
  if (isGroup(node, "[")) {
    if (endsOperand(previous)) return { text: subscript(t, node), next: index + 1 };
    if (t.from.name === "duckdb") return { text: duckdbList(t, node), next: index + 1 };
    throw t.unsupported(node.start, "A bracket that does not follow a value");
  }
  if (isGroup(node, "{") && t.from.name === "duckdb") return { text: duckdbStruct(t, node), next: index + 1 };
  if (isWord(node, "MAP") && t.from.name === "duckdb") {
    const group = nodes[index + 1];
    if (isGroup(group, "{")) return { text: duckdbMap(t, group), next: index + 2 };
  }
  if (isSymbolPair(nodes, index, ":", ":")) {
    const read = t.from.readType(nodes, index + 2, t.sql);
    if (read.type.kind === "scalar" && ["TINYINT", "SMALLINT", "INT", "BIGINT"].includes(read.type.name)) {
      throw t.unsupported(
        node.start,
        "A :: cast to an integer type",
        "The engines convert fractions differently (DuckDB rounds, Databricks truncates); write CAST(x AS INT), which modelsql translates.",
      );
    }
    return { text: `::${t.to.sqlType(read.type)}`, next: read.next };
  }
  if (isWord(node, "ORDER") && isWord(nodes[index + 1], "BY")) return orderBy(t, nodes, index);
  if (isWord(node, "ARRAY") && isGroup(nodes[index + 1], "[") && t.from.name === "duckdb") {
    return { text: duckdbList(t, nodes[index + 1] as TokenGroup), next: index + 2 };
  }
  if (t.from.name === "duckdb" && isSymbol(node, ":") && !isSymbol(nodes[index + 1], "=")) {
    throw t.unsupported(
      node.start,
      "DuckDB's prefix alias `name: expression`",
      "Write `expression AS name`.",
    );
  }
  if (isSymbol(node, "*")) {
    const keyword = nodes[index + 1];
    if (
      isWord(keyword, "EXCLUDE", "EXCEPT") &&
      (keyword as DialectToken).text.toUpperCase() === t.from.starExclusionKeyword
    ) {
      const list = nodes[index + 2];
      const gap = t.gap(node.end, (keyword as DialectToken).start);
      if (isGroup(list, "(")) {
        const after = t.gap((keyword as DialectToken).end, list.start);
        return { text: `*${gap}${t.to.starExclusionKeyword}${after}${t.renderGroup(list)}`, next: index + 3 };
      }
      // DuckDB allows one column without parentheses; Databricks requires them.
      if (list && (list.kind === "word" || list.kind === "identifier")) {
        return { text: `*${gap}${t.to.starExclusionKeyword} (${t.token(list)})`, next: index + 3 };
      }
    }
    if (isWord(keyword, "REPLACE", "RENAME")) {
      throw t.unsupported(
        (keyword as DialectToken).start,
        `SELECT * ${(keyword as DialectToken).text.toUpperCase()} (...)`,
        "List the columns instead.",
      );
    }
  }
  return undefined;
}
