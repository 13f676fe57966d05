/**
 * A small SQL tokenizer for the parts DuckDB's JSON serializer does not cover: splitting a
 * script into statements and reading a CREATE statement's header. It knows what can hide a
 * semicolon or a keyword: string literals ('' escapes, E'' strings), quoted identifiers,
 * dollar-quoted strings, and both comment forms. Everything else is a word or a symbol.
 */
export interface SqlToken {
  readonly kind: "word" | "quoted" | "string" | "symbol";
  /** The token's text; for a quoted identifier, the name without quotes. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const WORD = /[A-Za-z0-9_$\u0080-\uffff]/;

function skipUntil(sql: string, from: number, closing: string): number {
  const end = sql.indexOf(closing, from);
  return end < 0 ? sql.length : end + closing.length;
}

export function tokenize(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let index = 0;
  while (index < sql.length) {
    const char = sql[index] as string;
    const next = sql[index + 1];
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === "-" && next === "-") {
      // DuckDB ends a line comment at \n or \r: a comment read as longer than DuckDB reads it
      // would hide a statement from analysis.
      const lineEnd = sql.slice(index).search(/[\r\n]/);
      index = lineEnd < 0 ? sql.length : index + lineEnd + 1;
    } else if (char === "/" && next === "*") {
      // DuckDB nests block comments: /* a /* b */ still a comment */.
      let depth = 1;
      index += 2;
      while (index < sql.length && depth > 0) {
        if (sql.startsWith("/*", index)) {
          depth += 1;
          index += 2;
        } else if (sql.startsWith("*/", index)) {
          depth -= 1;
          index += 2;
        } else {
          index += 1;
        }
      }
    } else if (char === "'" || ((char === "E" || char === "e") && next === "'")) {
      const start = index;
      index += char === "'" ? 1 : 2;
      while (index < sql.length) {
        if (sql[index] === "\\" && char !== "'") index += 2;
        else if (sql[index] === "'" && sql[index + 1] === "'") index += 2;
        else if (sql[index] === "'") break;
        else index += 1;
      }
      index += 1;
      tokens.push({ kind: "string", text: sql.slice(start, index), start, end: index });
    } else if (char === "`") {
      // Databricks quotes identifiers with backticks (GRANT ... TO `analyst@example.com`).
      const end = sql.indexOf("`", index + 1);
      const close = end < 0 ? sql.length : end;
      tokens.push({
        kind: "quoted",
        text: sql.slice(index + 1, close),
        start: index,
        end: Math.min(sql.length, close + 1),
      });
      index = close + 1;
    } else if (char === '"') {
      const start = index;
      let name = "";
      index += 1;
      while (index < sql.length) {
        if (sql[index] === '"' && sql[index + 1] === '"') {
          name += '"';
          index += 2;
        } else if (sql[index] === '"') break;
        else {
          name += sql[index];
          index += 1;
        }
      }
      index += 1;
      tokens.push({ kind: "quoted", text: name, start, end: index });
    } else if (char === "$" && /[A-Za-z_$\u0080-\uffff]/.test(next ?? "")) {
      // DuckDB's tags, as Postgres's: a letter, underscore or non-ASCII character, then digits too.
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(index));
      const start = index;
      index = tag ? skipUntil(sql, index + tag[0].length, tag[0]) : index + 1;
      tokens.push({ kind: tag ? "string" : "symbol", text: sql.slice(start, index), start, end: index });
    } else if (WORD.test(char)) {
      const start = index;
      while (index < sql.length && WORD.test(sql[index] as string)) index += 1;
      tokens.push({ kind: "word", text: sql.slice(start, index), start, end: index });
    } else {
      tokens.push({ kind: "symbol", text: char, start: index, end: index + 1 });
      index += 1;
    }
  }
  return tokens;
}

/** One statement of a script: its text and where it starts in the script. */
export interface ScriptStatement {
  readonly text: string;
  readonly offset: number;
}

/** Splits a script on top-level semicolons; empty statements are dropped. */
export function splitStatements(sql: string): ScriptStatement[] {
  const statements: ScriptStatement[] = [];
  let start = 0;
  const push = (end: number) => {
    const text = sql.slice(start, end);
    if (tokenize(text).length > 0) statements.push({ text, offset: start });
  };
  for (const token of tokenize(sql)) {
    if (token.kind === "symbol" && token.text === ";") {
      push(token.start);
      start = token.end;
    }
  }
  push(sql.length);
  return statements;
}

/** 1-based line and column of an offset. */
export function positionOf(sql: string, offset: number): { line: number; column: number } {
  const before = sql.slice(0, Math.max(0, Math.min(offset, sql.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: (lines[lines.length - 1] as string).length + 1 };
}

/** The line an error is on with a caret under the column, for messages. */
export function caretSnippet(sql: string, position: { line: number; column: number }): string {
  const line = sql.split("\n")[position.line - 1] ?? "";
  return `${line}\n${" ".repeat(Math.max(0, position.column - 1))}^`;
}
