import { ModelSqlError } from "../../errors.js";
import { caretSnippet, positionOf } from "../sql-tokens.js";
import { type EscapeStyle, readQuoted } from "./string-literals.js";

/**
 * Tokens of one dialect's SQL, for translation between dialects. Unlike sql-tokens.ts (which
 * only has to find statement boundaries in DuckDB text) this tokenizer decodes what a literal
 * means in its dialect, because the two dialects spell the same value differently:
 * - DuckDB: 'it''s' (no backslash escapes), E'\n' strings, $tag$...$tag$ strings, "identifier".
 * - Databricks (Spark SQL): 'it\'s' and "it's" are both strings with backslash escapes, r'raw'
 *   strings, `identifier`.
 * Parameters are `$name`/`$1`/`?` in DuckDB and `:name`/`?` in Databricks.
 */
export type DialectTokenKind = "word" | "identifier" | "string" | "number" | "parameter" | "symbol";

export interface DialectToken {
  readonly kind: DialectTokenKind;
  /** The original text. */
  readonly text: string;
  /** A string's value, an identifier's name, a parameter's name or number. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export interface LexicalRules {
  readonly displayName: string;
  readonly doubleQuotesAreStrings: boolean;
  readonly backslashEscapes: boolean;
  readonly identifierQuote: '"' | "`";
  readonly namedParameterPrefix: "$" | ":";
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

function lexicalError(sql: string, offset: number, detail: string, rules: LexicalRules): ModelSqlError {
  const position = positionOf(sql, offset);
  return new ModelSqlError("PARSE_SYNTAX_ERROR", `${detail} in ${rules.displayName} SQL`, {
    position,
    snippet: caretSnippet(sql, position),
  });
}

/** DuckDB's dollar-quote tags: `$$` or `$tag$`, the tag spelled like a name (`$a1$`, `$é$`). */
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * What each dialect's lexer skips as whitespace. They differ beyond ASCII: DuckDB's scanner
 * reads U+2028, U+00A0 and the like as part of a name, Spark's as whitespace (both checked), so
 * a name holding one is written back-quoted for Databricks (dialect-translation.ts).
 */
const DUCKDB_WHITESPACE = /[ \t\n\r\f\v]/;
const SPARK_WHITESPACE = /[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/**
 * Skips a comment at `index` if there is one; both dialects nest block comments. A line comment
 * ends at \r or \n in DuckDB; in Spark a backslash right before the newline continues it onto
 * the next line (its lexer's SIMPLE_COMMENT), which would hide that line from the other reader.
 */
export function skipComment(sql: string, index: number, sparkLines = false): number {
  if (sql.startsWith("--", index)) {
    let cursor = index + 2;
    while (cursor < sql.length) {
      const char = sql[cursor];
      if (sparkLines && char === "\\" && (sql[cursor + 1] === "\n" || sql.startsWith("\r\n", cursor + 1))) {
        cursor += sql[cursor + 1] === "\n" ? 2 : 3;
      } else if (char === "\r" || char === "\n") {
        return cursor + 1;
      } else cursor += 1;
    }
    return sql.length;
  }
  if (sql.startsWith("/*", index)) {
    let depth = 1;
    let cursor = index + 2;
    while (cursor < sql.length && depth > 0) {
      if (sql.startsWith("/*", cursor)) {
        depth += 1;
        cursor += 2;
      } else if (sql.startsWith("*/", cursor)) {
        depth -= 1;
        cursor += 2;
      } else cursor += 1;
    }
    return cursor;
  }
  return index;
}

export function tokenizeDialect(sql: string, rules: LexicalRules): DialectToken[] {
  const tokens: DialectToken[] = [];
  let index = 0;
  const push = (kind: DialectTokenKind, start: number, end: number, value = sql.slice(start, end)) => {
    tokens.push({ kind, text: sql.slice(start, end), value, start, end });
    index = end;
  };
  const quoted = (
    kind: DialectTokenKind,
    start: number,
    quoteAt: number,
    quote: string,
    escapes: EscapeStyle,
  ) => {
    const read = readQuoted(sql, quoteAt, quote, escapes);
    if (!read)
      throw lexicalError(sql, start, `Unterminated ${kind === "string" ? "string" : "quoted name"}`, rules);
    push(kind, start, read.end, read.value);
  };
  // DuckDB's parser stops reading at a NUL character; anything after it would be unchecked.
  const nul = sql.indexOf("\u0000");
  if (nul >= 0) throw lexicalError(sql, nul, "A NUL character", rules);
  while (index < sql.length) {
    const char = sql[index] as string;
    const next = sql[index + 1] ?? "";
    const afterComment = skipComment(sql, index, rules.backslashEscapes);
    if (afterComment !== index) {
      index = afterComment;
    } else if ((rules.backslashEscapes ? SPARK_WHITESPACE : DUCKDB_WHITESPACE).test(char)) {
      index += 1;
    } else if (char === "'") {
      quoted("string", index, index, "'", rules.backslashEscapes ? "spark" : "plain");
    } else if (char === '"') {
      if (rules.doubleQuotesAreStrings) quoted("string", index, index, '"', "spark");
      else quoted("identifier", index, index, '"', "plain");
    } else if (char === "`" && rules.identifierQuote === "`") {
      const end = sql.indexOf("`", index + 1);
      if (end < 0) throw lexicalError(sql, index, "Unterminated quoted name", rules);
      // Spark escapes a backtick inside a quoted name by doubling it.
      let close = end;
      while (sql[close + 1] === "`") {
        const further = sql.indexOf("`", close + 2);
        if (further < 0) throw lexicalError(sql, index, "Unterminated quoted name", rules);
        close = further;
      }
      push("identifier", index, close + 1, sql.slice(index + 1, close).replaceAll("``", "`"));
    } else if ((char === "E" || char === "e") && next === "'" && !rules.backslashEscapes) {
      // DuckDB's E'' strings take C escapes (string-literals.ts).
      quoted("string", index, index + 1, "'", "c");
    } else if ((char === "r" || char === "R") && (next === "'" || next === '"') && rules.backslashEscapes) {
      // A Spark raw string: backslashes are plain characters.
      quoted("string", index, index + 1, next, "plain");
    } else if (char === "$" && !rules.backslashEscapes && DOLLAR_TAG.test(sql.slice(index))) {
      const tag = (DOLLAR_TAG.exec(sql.slice(index)) as RegExpExecArray)[0];
      const close = sql.indexOf(tag, index + tag.length);
      if (close < 0) throw lexicalError(sql, index, "Unterminated dollar-quoted string", rules);
      push("string", index, close + tag.length, sql.slice(index + tag.length, close));
    } else if (
      char === rules.namedParameterPrefix &&
      /[A-Za-z_0-9]/.test(next) &&
      !isOperandEnd(tokens) &&
      sql[index - 1] !== ":"
    ) {
      // Not the type after `::`.
      let end = index + 1;
      while (end < sql.length && /[A-Za-z0-9_]/.test(sql[end] as string)) end += 1;
      push("parameter", index, end, sql.slice(index + 1, end));
    } else if (char === "?") {
      push("parameter", index, index + 1, "");
    } else if (/[0-9]/.test(char) || (char === "." && /[0-9]/.test(next))) {
      const match = /^(\d[\d_]*)?(\.\d*)?([eE][+-]?\d+)?([A-Za-z]+)?/.exec(
        sql.slice(index),
      ) as RegExpExecArray;
      push("number", index, index + match[0].length);
    } else if (WORD_START.test(char)) {
      let end = index + 1;
      while (end < sql.length && WORD_PART.test(sql[end] as string)) end += 1;
      push("word", index, end);
    } else {
      push("symbol", index, index + 1);
    }
  }
  return rules.backslashEscapes ? joinAdjacentStrings(tokens) : tokens;
}

/** Spark reads adjacent string literals as one (`'it' 's'` is `its`); so does the translation. */
function joinAdjacentStrings(tokens: readonly DialectToken[]): DialectToken[] {
  const joined: DialectToken[] = [];
  for (const token of tokens) {
    const last = joined[joined.length - 1];
    if (token.kind === "string" && last?.kind === "string") {
      joined[joined.length - 1] = {
        ...last,
        value: last.value + token.value,
        end: token.end,
        text: `${last.text} ${token.text}`,
      };
    } else joined.push(token);
  }
  return joined;
}

/**
 * Whether the last token ends an operand, so that a following `:` is an operator (a Databricks
 * JSON path `raw:field`, a DuckDB slice) rather than a parameter marker.
 */
function isOperandEnd(tokens: readonly DialectToken[]): boolean {
  const last = tokens[tokens.length - 1];
  if (!last) return false;
  if (last.kind === "identifier" || last.kind === "string" || last.kind === "number") return true;
  if (last.kind === "symbol") return last.text === ")" || last.text === "]";
  if (last.kind === "word") return !OPERATOR_WORDS.has(last.text.toUpperCase());
  return false;
}

/** Keywords after which an expression starts (so `:x` there is a parameter). */
export const OPERATOR_WORDS = new Set([
  "SELECT",
  "WHERE",
  "AND",
  "OR",
  "NOT",
  "ON",
  "BY",
  "HAVING",
  "QUALIFY",
  "WHEN",
  "THEN",
  "ELSE",
  "CASE",
  "IN",
  "IS",
  "LIKE",
  "ILIKE",
  "BETWEEN",
  "LIMIT",
  "OFFSET",
  "RETURN",
  "DISTINCT",
  "ALL",
  "VALUES",
  "AS",
  "SET",
  "INTERVAL",
  "EXISTS",
  "ANY",
  "SOME",
  "USING",
  "FROM",
  "JOIN",
  "WITH",
  "UNION",
  "EXCEPT",
  "INTERSECT",
]);
