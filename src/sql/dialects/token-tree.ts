import { ModelSqlError } from "../../errors.js";
import { caretSnippet, positionOf } from "../sql-tokens.js";
import type { DialectToken } from "./dialect-tokens.js";

/**
 * Tokens grouped by brackets: `f(a, [b])` is the word `f` and a group `( ... )` holding `a`, `,`
 * and a group `[ ... ]`. Translation rules match on this tree, so "the arguments of a call" or
 * "the text after AS inside CAST(...)" are a slice of nodes, and the text between nodes
 * (whitespace, comments) can be copied exactly as written.
 */
export interface TokenGroup {
  readonly kind: "group";
  readonly open: DialectToken;
  readonly close: DialectToken;
  readonly children: readonly SqlNode[];
  readonly start: number;
  readonly end: number;
}

export type SqlNode = DialectToken | TokenGroup;

const CLOSING: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Deeper nesting is refused rather than risking the stack (the translation recurses per level). */
const MAX_DEPTH = 256;

export function buildTokenTree(sql: string, tokens: readonly DialectToken[], dialectName: string): SqlNode[] {
  let index = 0;
  let depth = 0;
  const fail = (offset: number, detail: string) => {
    const position = positionOf(sql, offset);
    return new ModelSqlError("PARSE_SYNTAX_ERROR", `${detail} in ${dialectName} SQL`, {
      position,
      snippet: caretSnippet(sql, position),
    });
  };
  const readUntil = (closing: string | undefined, opener?: DialectToken): SqlNode[] => {
    const nodes: SqlNode[] = [];
    while (index < tokens.length) {
      const token = tokens[index] as DialectToken;
      if (token.kind === "symbol" && token.text === closing) return nodes;
      if (token.kind === "symbol" && (token.text === ")" || token.text === "]" || token.text === "}")) {
        throw fail(token.start, `Unbalanced '${token.text}'`);
      }
      index += 1;
      const expected = token.kind === "symbol" ? CLOSING[token.text] : undefined;
      if (expected) {
        depth += 1;
        if (depth > MAX_DEPTH) throw fail(token.start, `Brackets nested more than ${MAX_DEPTH} deep`);
        const children = readUntil(expected, token);
        const close = tokens[index] as DialectToken;
        index += 1;
        depth -= 1;
        nodes.push({ kind: "group", open: token, close, children, start: token.start, end: close.end });
      } else nodes.push(token);
    }
    if (closing !== undefined) throw fail(opener?.start ?? sql.length, `Unclosed '${opener?.text}'`);
    return nodes;
  };
  return readUntil(undefined);
}

/**
 * A group, or a group opened by `open`. Typed with the literal bracket, so that a failed check
 * for one bracket does not rule out a group with another in the narrowed type.
 */
export function isGroup<Open extends "(" | "[" | "{">(
  node: SqlNode | undefined,
  open?: Open,
): node is TokenGroup & { readonly open: { readonly text: Open } } {
  return node?.kind === "group" && (open === undefined || node.open.text === open);
}

export function isWord(
  node: SqlNode | undefined,
  ...words: string[]
): node is DialectToken & { kind: "word" } {
  return (
    node !== undefined &&
    node.kind === "word" &&
    (words.length === 0 || words.includes((node as DialectToken).text.toUpperCase()))
  );
}

export function isSymbol(node: SqlNode | undefined, text: string): node is DialectToken & { kind: "symbol" } {
  return node !== undefined && node.kind === "symbol" && (node as DialectToken).text === text;
}

/** Two symbols written with nothing between them (`::`, `=>`, `:=`, `//`). */
export function isSymbolPair(
  nodes: readonly SqlNode[],
  index: number,
  first: string,
  second: string,
): boolean {
  const a = nodes[index];
  const b = nodes[index + 1];
  return isSymbol(a, first) && isSymbol(b, second) && a.end === b.start;
}

/** Splits a group's children at top-level commas. */
export function splitArguments(children: readonly SqlNode[]): SqlNode[][] {
  if (children.length === 0) return [];
  const parts: SqlNode[][] = [[]];
  for (const node of children) {
    if (isSymbol(node, ",")) parts.push([]);
    else (parts[parts.length - 1] as SqlNode[]).push(node);
  }
  return parts;
}
