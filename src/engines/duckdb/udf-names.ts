import { createHash } from "node:crypto";

/**
 * DuckDB keeps functions registered from JavaScript in `system.main` only, so each prediction
 * function is a JS UDF there under an internal name, and a macro with the user's three-level
 * name calls it (FINDINGS.md). The internal names say whose they are in EXPLAIN output and
 * errors, and cannot clash with user functions: the colon needs quoting in SQL.
 *
 * A name ends in a tag of the UDF's DuckDB signature. Registering a name again replaces the
 * function only when the signature is the same; with another return type (a label that became
 * text when an alias moved) DuckDB keeps both and calls become ambiguous (seen on 1.5.6). So a
 * new signature gets a new name, and the macro is pointed at it.
 */
const PREFIX = "modelsql:";
const STRUCT_SUFFIX = ":struct";

export type CallForm = "positional" | "struct";

export function udfName(functionName: string, form: CallForm, signature: string): string {
  const tag = createHash("sha256").update(signature).digest("hex").slice(0, 8);
  return `${PREFIX}${functionName}${form === "struct" ? STRUCT_SUFFIX : ""}#${tag}`;
}

/** The function an internal UDF name belongs to, and its call form; undefined for other names. */
export function parseUdfName(name: string): { functionName: string; form: CallForm } | undefined {
  if (!name.startsWith(PREFIX)) return undefined;
  const rest = name.slice(PREFIX.length).replace(/#[0-9a-f]+$/, "");
  return rest.endsWith(STRUCT_SUFFIX)
    ? { functionName: rest.slice(0, -STRUCT_SUFFIX.length), form: "struct" }
    : { functionName: rest, form: "positional" };
}
