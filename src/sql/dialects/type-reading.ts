import { ModelSqlError } from "../../errors.js";
import { caretSnippet, positionOf } from "../sql-tokens.js";
import type { DialectToken } from "./dialect-tokens.js";
import type { ScalarTypeName } from "./sql-type.js";
import { isGroup, isWord, type SqlNode, splitArguments } from "./token-tree.js";

/** Shared helpers of the dialects' type readers. */

export function typeError(sql: string, offset: number, detail: string, hint?: string): ModelSqlError {
  const position = positionOf(sql, offset);
  return new ModelSqlError("UNSUPPORTED_FEATURE", detail, {
    position,
    snippet: caretSnippet(sql, position),
    ...(hint ? { hint } : {}),
  });
}

/** Reads `(p, s)` / `(n)` after a type name: the numbers, or undefined when there is no group. */
export function readTypeArguments(node: SqlNode | undefined, sql: string): number[] | undefined {
  if (!isGroup(node, "(")) return undefined;
  return splitArguments(node.children).map((part) => {
    const token = part[0] as DialectToken | undefined;
    if (part.length !== 1 || token?.kind !== "number" || !/^\d+$/.test(token.text)) {
      throw typeError(sql, node.start, "A type argument must be a whole number");
    }
    return Number(token.text);
  });
}

/**
 * Reads a scalar type name (possibly several words, `DOUBLE PRECISION`) and its arguments from
 * a table of spellings; returns undefined when nodes[index] is not one.
 */
export function readScalarType(
  nodes: readonly SqlNode[],
  index: number,
  sql: string,
  spellings: ReadonlyMap<string, ScalarTypeName>,
  defaultDecimal: { precision: number; scale: number },
): { name: ScalarTypeName; precision?: number; scale?: number; next: number } | undefined {
  const first = nodes[index];
  if (!isWord(first)) return undefined;
  // Longest spelling first: TIMESTAMP WITH TIME ZONE before TIMESTAMP.
  for (let words = 4; words >= 1; words -= 1) {
    const run = nodes.slice(index, index + words);
    if (run.length < words || !run.every((node) => isWord(node))) continue;
    const spelled = run.map((node) => (node as DialectToken).text.toUpperCase()).join(" ");
    const name = spellings.get(spelled);
    if (!name) continue;
    const next = index + words;
    const args = readTypeArguments(nodes[next], sql);
    if (name === "DECIMAL") {
      if (args && (args.length > 2 || args.length === 0)) {
        throw typeError(sql, first.start, "DECIMAL takes a precision and an optional scale");
      }
      const [precision = defaultDecimal.precision, scale = args ? 0 : defaultDecimal.scale] = args ?? [];
      return { name, precision, scale, next: args ? next + 1 : next };
    }
    // VARCHAR(10), CHAR(3): both engines read the length loosely; the type is text either way.
    if (args && name !== "STRING") {
      throw typeError(sql, first.start, `The type ${spelled} takes no arguments`);
    }
    return { name, next: args ? next + 1 : next };
  }
  return undefined;
}
