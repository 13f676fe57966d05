import { quoteIdentifier } from "../../engines/duckdb/duckdb-catalog-names.js";
import type { ResolvedReference } from "../../engines/duckdb/reference-resolution.js";
import { ModelSqlError } from "../../errors.js";
import { tokenize } from "../sql-tokens.js";
import type { TextEdit } from "./text-edits.js";

/** Where the dotted name that starts at `location` ends, having `parts` parts. */
function nameEnd(text: string, location: number, parts: number): number | undefined {
  const tokens = tokenize(text.slice(location));
  let index = 0;
  for (let part = 0; part < parts; part += 1) {
    const token = tokens[index];
    if (!token || (token.kind !== "word" && token.kind !== "quoted")) return undefined;
    if (part === parts - 1) return location + token.end;
    if (tokens[index + 1]?.text !== ".") return undefined;
    index += 2;
  }
  return undefined;
}

/**
 * Qualifies every table, view and prediction function a view's body names without its catalog:
 * `customers` becomes `"main_db"."sales"."customers"`, as resolved when the view is created.
 * Unity Catalog binds a view's names when it is created; DuckDB would bind them again on every
 * read, in whatever schema the reader's session is. Qualified, the view reads what its creator
 * saw, and its owner's privileges are checked on exactly that.
 */
export function qualifyEdits(text: string, resolved: readonly ResolvedReference[]): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const entry of resolved) {
    const { reference, location } = entry;
    if (!location || reference.catalog !== "") continue;
    if (reference.kind !== "table" && reference.kind !== "function") continue;
    const parts = reference.schema === "" ? 1 : 2;
    const end = nameEnd(text, reference.location, parts);
    if (end === undefined) {
      throw new ModelSqlError(
        "UNSUPPORTED_STATEMENT",
        `modelsql could not locate the name ${reference.name} in the view's query`,
        {
          hint: "Write names without comments inside them.",
        },
      );
    }
    edits.push({
      start: reference.location,
      end,
      replacement: [location.database, location.schema, location.name].map(quoteIdentifier).join("."),
    });
  }
  return edits;
}
