import { ModelSqlError, type SqlPosition } from "../../errors.js";
import type { Dialect } from "../dialects/dialect.js";
import { type DialectToken, tokenizeDialect } from "../dialects/dialect-tokens.js";
import { caretSnippet, positionOf } from "../sql-tokens.js";

function offsetOf(text: string, position: SqlPosition): number {
  const lines = text.split("\n");
  let offset = 0;
  for (let line = 1; line < position.line; line += 1) offset += (lines[line - 1]?.length ?? 0) + 1;
  return offset + position.column - 1;
}

const keyOf = (token: DialectToken) =>
  `${token.kind}:${token.kind === "word" ? token.value.toLowerCase() : token.value}`;

/**
 * Where in the text a user wrote an error found in its translation is. The translation keeps
 * names, strings and numbers (it re-spells syntax around them), so the token at the error is
 * found again as the same occurrence of the same token in the original. Undefined when the
 * token has no counterpart (a keyword the translation wrote).
 */
export function positionInOriginal(
  translated: { readonly text: string; readonly dialect: Dialect },
  original: { readonly text: string; readonly dialect: Dialect },
  position: SqlPosition,
): SqlPosition | undefined {
  const offset = offsetOf(translated.text, position);
  const tokens = tokenizeDialect(translated.text, translated.dialect);
  const at = tokens.find((token) => token.end > offset);
  if (!at || at.kind === "symbol") return undefined;
  const occurrence = tokens.filter((token) => token.start < at.start && keyOf(token) === keyOf(at)).length;
  const match = tokenizeDialect(original.text, original.dialect).filter(
    (token) => keyOf(token) === keyOf(at),
  )[occurrence];
  return match ? positionOf(original.text, match.start) : undefined;
}

/**
 * An error about the translated text, told about the original: its line, column and caret
 * are moved there when the spot can be found, and otherwise the caret is dropped and the
 * message says it concerns modelsql's DuckDB reading of the SQL.
 */
export function inOriginalText(
  error: unknown,
  translated: { readonly text: string; readonly dialect: Dialect },
  original: { readonly text: string; readonly dialect: Dialect },
): unknown {
  if (!(error instanceof ModelSqlError) || !error.position || translated.text === original.text) return error;
  const position = positionInOriginal(translated, original, error.position);
  const hint = error.hint;
  const where = / \(line \d+, column \d+\)/;
  if (position) {
    const detail = error.detail.replace(where, ` (line ${position.line}, column ${position.column})`);
    return new ModelSqlError(error.errorClass, detail, {
      position,
      snippet: caretSnippet(original.text, position),
      ...(hint ? { hint } : {}),
      cause: error,
    });
  }
  return new ModelSqlError(
    error.errorClass,
    `${error.detail.replace(where, "")} (in modelsql's ${translated.dialect.displayName} reading of the SQL)`,
    {
      ...(hint ? { hint } : {}),
      cause: error,
    },
  );
}
