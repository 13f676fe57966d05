import { ModelSqlError } from "../../errors.js";
import type { Dialect } from "../dialects/dialect.js";
import { type DialectToken, skipComment, tokenizeDialect } from "../dialects/dialect-tokens.js";
import {
  buildTokenTree,
  isSymbolPair,
  isWord,
  type SqlNode,
  splitArguments,
  type TokenGroup,
} from "../dialects/token-tree.js";
import { caretSnippet, positionOf } from "../sql-tokens.js";
import { translateConstruct } from "./construct-translation.js";
import { translateFunctionCall } from "./function-call-translation.js";
import { translateOperator } from "./operator-translation.js";

/** One argument of a call, translated: its text in the target dialect and, if named, its name. */
export interface TranslatedArgument {
  readonly text: string;
  /** `name => value` (Databricks) or `name := value` (DuckDB). */
  readonly name?: string;
  /** The source nodes, for rules that look at what was written (a literal key, an AS alias). */
  readonly nodes: readonly SqlNode[];
}

/** A call as written: dotted name parts (unquoted values) and where it is. */
export interface CallSite {
  readonly nameParts: readonly string[];
  readonly start: number;
  readonly end: number;
  readonly arguments: readonly TranslatedArgument[];
}

/** Ways the caller steers a translation: qualified names, prediction routes, endpoints. */
export interface TranslationHooks {
  /** Text to put in place of a dotted name (a table or function name) that starts at `start`. */
  readonly name?: (start: number, parts: readonly string[]) => string | undefined;
  /** Text to put in place of a whole call (a prediction function, ai_query); undefined to translate it normally. */
  readonly call?: (call: CallSite, translation: Translation) => string | undefined;
  /**
   * For SQL that will run: refuse calls to functions not known to mean the same in both
   * dialects (shared-functions.ts) unless `call` took them over. Off for `modelsql translate`,
   * which only shows syntax.
   */
  readonly strictFunctions?: boolean;
  /** With strictFunctions: a function of the workspace (a prediction function), allowed as written. */
  readonly knownFunction?: (nameParts: readonly string[]) => boolean;
  /** Replace comments with spaces (see Translation.gap). */
  readonly dropComments?: boolean;
}

/** What a rule made of nodes[index...]: the text and the index of the first node it did not use. */
export interface RuleResult {
  readonly text: string;
  readonly next: number;
}

/**
 * Translates SQL text from one dialect to another by splicing: every node no rule owns is
 * copied as written, and so is everything between nodes (spacing, comments), so the analyst's
 * formatting survives (ARCHITECTURE.md). Rules, tried in order at each node, translate what
 * differs: literals and quoting, constructors, types, subscripts, operators and functions. A
 * construct that has no faithful translation is refused with UNSUPPORTED_FEATURE, naming the
 * construct and the target, never changed into something that means something else.
 */
export class Translation {
  constructor(
    readonly sql: string,
    readonly from: Dialect,
    readonly to: Dialect,
    readonly hooks: TranslationHooks = {},
  ) {}

  run(): string {
    const tree = buildTokenTree(this.sql, tokenizeDialect(this.sql, this.from), this.from.displayName);
    if (tree.length === 0) return this.sql;
    const first = tree[0] as SqlNode;
    const last = tree[tree.length - 1] as SqlNode;
    this.refuseFromFirst(first);
    return this.gap(0, first.start) + this.render(tree) + this.gap(last.end, this.sql.length);
  }

  /** The translation of a run of sibling nodes, with the text between them as written. */
  render(nodes: readonly SqlNode[]): string {
    let text = "";
    let index = 0;
    let previousEnd: number | undefined;
    while (index < nodes.length) {
      const node = nodes[index] as SqlNode;
      if (previousEnd !== undefined) text += this.gap(previousEnd, node.start);
      const result = this.translateAt(nodes, index);
      text += result.text;
      previousEnd = (nodes[result.next - 1] as SqlNode).end;
      index = result.next;
    }
    return text;
  }

  private translateAt(nodes: readonly SqlNode[], index: number): RuleResult {
    return (
      translateOperator(this, nodes, index) ??
      translateFunctionCall(this, nodes, index) ??
      translateConstruct(this, nodes, index) ??
      this.translateNode(nodes[index] as SqlNode, index)
    );
  }

  /** A node no rule owns: tokens are re-spelled for the target, groups translated inside. */
  private translateNode(node: SqlNode, index: number): RuleResult {
    if (node.kind === "group") return { text: this.renderGroup(node), next: index + 1 };
    return { text: this.token(node), next: index + 1 };
  }

  /** DuckDB's FROM-first queries (`FROM t SELECT a`), at the start of a statement or subquery. */
  private refuseFromFirst(first: SqlNode | undefined): void {
    if (this.from.name === "duckdb" && this.from.name !== this.to.name && isWord(first, "FROM")) {
      throw this.unsupported(first.start, "A query that starts with FROM", "Start it with SELECT.");
    }
  }

  /** A bracketed group with its contents translated and its spacing kept. */
  renderGroup(node: TokenGroup): string {
    const first = node.children[0];
    if (node.open.text === "(") this.refuseFromFirst(first);
    const last = node.children[node.children.length - 1];
    if (!first || !last)
      return `${node.open.text}${this.gap(node.open.end, node.close.start)}${node.close.text}`;
    const lead = this.gap(node.open.end, first.start);
    const trail = this.gap(last.end, node.close.start);
    return `${node.open.text}${lead}${this.render(node.children)}${trail}${node.close.text}`;
  }

  /**
   * The text between two nodes: whitespace and comments, as written; with `dropComments`, each
   * comment becomes a space (a newline for a line comment), for SQL sent to another engine,
   * whose lexer may end a comment elsewhere than modelsql's analysis did.
   */
  gap(start: number, end: number): string {
    const text = this.sql.slice(start, end);
    if (!this.hooks.dropComments) return text;
    let kept = "";
    let index = start;
    while (index < end) {
      const after = skipComment(this.sql, index, this.from.backslashEscapes);
      if (after !== index) {
        kept += this.sql.startsWith("--", index) ? "\n" : " ";
        index = after;
      } else {
        kept += this.sql[index];
        index += 1;
      }
    }
    return kept;
  }

  /** A single token in the target dialect. */
  token(token: DialectToken): string {
    switch (token.kind) {
      case "identifier":
        return this.to.quoteIdentifier(token.value);
      case "string":
        return this.to.quoteString(token.value);
      case "parameter":
        return this.parameter(token);
      case "number":
        return this.number(token);
      case "word":
        // Spark reads some characters DuckDB keeps in a name (U+2028, U+00A0) as whitespace.
        return this.to.name === "databricks" && /[\u0080-\uffff]/.test(token.text)
          ? this.to.quoteIdentifier(token.text)
          : token.text;
      default:
        return token.text;
    }
  }

  private parameter(token: DialectToken): string {
    if (token.text === "?") return "?";
    if (/^\d+$/.test(token.value)) {
      throw this.unsupported(
        token.start,
        `The numbered parameter ${token.text}`,
        "Name the parameter ($name) or use ? markers, which both engines read the same way.",
      );
    }
    return this.to.namedParameter(token.value);
  }

  private number(token: DialectToken): string {
    const match = /^([\d_.]+(?:[eE][+-]?\d+)?)([A-Za-z]*)$/.exec(token.text);
    const digits = match?.[1] ?? token.text;
    const suffix = (match?.[2] ?? "").toUpperCase();
    if (this.from.name === "duckdb" && suffix === "" && digits.includes("_"))
      return digits.replaceAll("_", "");
    if (suffix === "") return token.text;
    // Spark's typed literals: 1L, 2S, 3Y, 1.5D, 1.5F.
    const types: Record<string, string> = {
      L: "BIGINT",
      S: "SMALLINT",
      Y: "TINYINT",
      D: "DOUBLE",
      F: "FLOAT",
    };
    const type = this.from.name === "databricks" ? types[suffix] : undefined;
    if (!type) throw this.unsupported(token.start, `The number literal ${token.text}`);
    return `CAST(${digits} AS ${type})`;
  }

  /** Splits and translates a call's arguments, reading named arguments in the source's spelling. */
  arguments(children: readonly SqlNode[]): TranslatedArgument[] {
    return splitArguments(children).map((nodes) => {
      if (nodes.length === 0) throw this.unsupported(children[0]?.start ?? 0, "An empty argument");
      const first = nodes[0] as SqlNode;
      const operator = this.from.namedArgumentOperator;
      const named =
        (isWord(first) || first.kind === "identifier") &&
        isSymbolPair(nodes, 1, operator[0] as string, operator[1] as string);
      if (named) {
        const value = nodes.slice(3);
        return { text: this.render(value), name: (first as DialectToken).value, nodes: value };
      }
      return { text: this.render(nodes), nodes };
    });
  }

  /** The source text of nodes, as written. */
  written(nodes: readonly SqlNode[]): string {
    if (nodes.length === 0) return "";
    return this.sql.slice((nodes[0] as SqlNode).start, (nodes[nodes.length - 1] as SqlNode).end);
  }

  unsupported(offset: number, construct: string, hint?: string): ModelSqlError {
    const position = positionOf(this.sql, offset);
    return new ModelSqlError(
      "UNSUPPORTED_FEATURE",
      `${construct} has no translation from ${this.from.displayName} to ${this.to.displayName} SQL that keeps its meaning`,
      { position, snippet: caretSnippet(this.sql, position), ...(hint ? { hint } : {}) },
    );
  }
}

/** Translates one statement (or script) between dialects; identity when both are the same. */
export function translateSql(sql: string, from: Dialect, to: Dialect, hooks: TranslationHooks = {}): string {
  if (from.name === to.name && !hooks.call && !hooks.name) return sql;
  return new Translation(sql, from, to, hooks).run();
}
