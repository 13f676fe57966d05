import { ModelSqlError } from "../errors.js";

/**
 * A Unity-Catalog-style name `catalog.schema.object`. Unity Catalog treats identifiers as
 * case-insensitive and stores them lower-cased, so the parts here are always lower case.
 */
export interface ThreeLevelName {
  readonly catalog: string;
  readonly schema: string;
  readonly object: string;
}

const UNQUOTED_PART = /^[A-Za-z0-9_]+$/;
// Unity Catalog refuses periods, spaces, slashes and control characters in object names,
// even quoted; a quoted part may otherwise hold what an unquoted one cannot (a dash, say).
const FORBIDDEN_IN_QUOTED_PART = /[.\s/\p{Cc}]/u;
const MAX_PART_LENGTH = 255;

/** Splits `a.b.c`, honouring backtick quoting (`` `my-catalog`.ml.churn ``). */
function splitParts(text: string): string[] | undefined {
  const parts: string[] = [];
  let index = 0;
  while (index <= text.length) {
    if (text[index] === "`") {
      const end = text.indexOf("`", index + 1);
      if (end < 0) return undefined;
      const quoted = text.slice(index + 1, end);
      if (quoted === "" || FORBIDDEN_IN_QUOTED_PART.test(quoted)) return undefined;
      parts.push(quoted);
      index = end + 1;
    } else {
      const dot = text.indexOf(".", index);
      const raw = text.slice(index, dot < 0 ? text.length : dot);
      if (!UNQUOTED_PART.test(raw)) return undefined;
      parts.push(raw);
      index = dot < 0 ? text.length : dot;
    }
    if (index === text.length) return parts;
    if (text[index] !== ".") return undefined;
    index += 1;
    if (index === text.length) return undefined;
  }
  return parts;
}

/**
 * Parses a three-level name, or throws INVALID_PARAMETER_VALUE saying what is wrong.
 * `what` names the kind of object in the message ("model", "function").
 */
export function parseThreeLevelName(text: string, what: string): ThreeLevelName {
  const parts = splitParts(text.trim());
  if (parts?.length !== 3 || parts.some((part) => part.length > MAX_PART_LENGTH)) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `'${text}' is not a valid ${what} name: expected three parts, catalog.schema.${what}, each made of letters, digits and underscores (or quoted in backticks).`,
      { hint: `For example: main.ml.churn.` },
    );
  }
  const [catalog, schema, object] = parts.map((part) => part.toLowerCase()) as [string, string, string];
  return { catalog, schema, object };
}

function quotePart(part: string): string {
  return UNQUOTED_PART.test(part) ? part : `\`${part}\``;
}

/** The canonical text of a name: lower case, quoted only where needed. */
export function formatThreeLevelName(name: ThreeLevelName): string {
  return [name.catalog, name.schema, name.object].map(quotePart).join(".");
}

/** Parses and returns the canonical text in one step. */
export function canonicalThreeLevelName(text: string, what: string): string {
  return formatThreeLevelName(parseThreeLevelName(text, what));
}

/**
 * A name written with fewer parts than its kind has (`customers`, `sales.customers`), completed
 * from the current `catalog.schema` as Unity Catalog completes it; lower case.
 * `levels`: 1 for a catalog, 2 for a schema, 3 for a table, view, function or model.
 */
export function completeName(parts: readonly string[], levels: 1 | 2 | 3, currentSchema: string): string {
  const written = parts.map((part) => part.toLowerCase());
  const context = currentSchema
    .toLowerCase()
    .split(".")
    .slice(0, Math.max(0, levels - written.length));
  return [...context, ...written].join(".");
}
