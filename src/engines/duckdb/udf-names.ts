/**
 * DuckDB keeps functions registered from JavaScript in `system.main` only, so each prediction
 * function is a JS UDF there under an internal name, and a macro with the user's three-level
 * name calls it (FINDINGS.md). The internal names say whose they are in EXPLAIN output and
 * errors, and cannot clash with user functions: the colon needs quoting in SQL.
 */
const PREFIX = "modelsql:";
const STRUCT_SUFFIX = ":struct";

export function positionalUdfName(functionName: string): string {
  return `${PREFIX}${functionName}`;
}

export function structUdfName(functionName: string): string {
  return `${PREFIX}${functionName}${STRUCT_SUFFIX}`;
}

/** The function an internal UDF name belongs to, and its call form; undefined for other names. */
export function parseUdfName(
  udfName: string,
): { functionName: string; form: "positional" | "struct" } | undefined {
  if (!udfName.startsWith(PREFIX)) return undefined;
  const rest = udfName.slice(PREFIX.length);
  return rest.endsWith(STRUCT_SUFFIX)
    ? { functionName: rest.slice(0, -STRUCT_SUFFIX.length), form: "struct" }
    : { functionName: rest, form: "positional" };
}
