/**
 * Reads DuckDB's spelling of types in its error messages: a comma-separated list such as
 * `INTEGER_LITERAL, VARCHAR, STRUCT(tenure INTEGER, "label" VARCHAR)`.
 */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (char === "(") depth += 1;
    else if (char === ")") depth -= 1;
    else if (char === "," && depth === 0) {
      parts.push(text.slice(start, index).trim());
      start = index + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== "") parts.push(last);
  return parts;
}

/** The fields of a `STRUCT(name TYPE, ...)` type text, or undefined for another type. */
export function structFields(typeText: string): { name: string; type: string }[] | undefined {
  const match = /^STRUCT\(([\s\S]*)\)$/.exec(typeText.trim());
  if (!match) return undefined;
  return splitTopLevel(match[1] as string).map((field) => {
    const quoted = /^"((?:[^"]|"")*)"\s+([\s\S]+)$/.exec(field);
    if (quoted)
      return { name: (quoted[1] as string).replaceAll('""', '"'), type: (quoted[2] as string).trim() };
    const space = field.indexOf(" ");
    return { name: field.slice(0, space), type: field.slice(space + 1).trim() };
  });
}

/** A literal's pseudo type as a real type DuckDB can test casts from. */
export function castableTypeText(typeText: string): string {
  if (typeText === "INTEGER_LITERAL") return "INTEGER";
  if (typeText === "STRING_LITERAL") return "VARCHAR";
  return typeText;
}

/** How a given type reads in a message: literals say they are literals. */
export function describeGivenType(typeText: string): string {
  if (typeText === "INTEGER_LITERAL") return "an integer literal";
  if (typeText === "STRING_LITERAL") return "a string literal";
  return typeText;
}
