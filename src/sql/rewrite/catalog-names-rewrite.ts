import { duckdbDatabaseOf, quoteIdentifier } from "../../engines/duckdb/duckdb-catalog-names.js";
import { ModelSqlError } from "../../errors.js";
import type { AnalysedStatement } from "../analyse/statement-analysis.js";
import { tokenize } from "../sql-tokens.js";
import { applyEdits, type EditedText, type TextEdit } from "./text-edits.js";

/**
 * Renames Unity Catalog catalogs to their DuckDB databases wherever a statement names one:
 * `main.sales.customers` becomes `"main_db".sales.customers`. Each edit replaces exactly the
 * catalog token DuckDB's parse tree points at, checked to be that catalog; if it is not, the
 * statement is refused rather than run with a name left unmapped.
 */
export function rewriteCatalogNames(
  text: string,
  statement: AnalysedStatement,
  extra: readonly TextEdit[] = [],
): EditedText {
  return applyEdits(text, [...catalogNameEdits(text, statement), ...extra]);
}

/** The edits of rewriteCatalogNames, to combine with others. */
export function catalogNameEdits(text: string, statement: AnalysedStatement): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const reference of statement.references) {
    if (reference.catalog === "") continue;
    const token = tokenize(text.slice(reference.location))[0];
    const written = token && (token.kind === "word" || token.kind === "quoted") ? token.text : undefined;
    if (written?.toLowerCase() !== reference.catalog.toLowerCase() || !token) {
      throw new ModelSqlError(
        "UNSUPPORTED_STATEMENT",
        `modelsql could not locate the catalog name of ${reference.catalog}.${reference.schema}.${reference.name} in the statement`,
        {
          hint: "Write the name as catalog.schema.name without comments inside it.",
        },
      );
    }
    edits.push({
      start: reference.location + token.start,
      end: reference.location + token.end,
      replacement: quoteIdentifier(duckdbDatabaseOf(reference.catalog.toLowerCase())),
    });
  }
  if (
    statement.kind === "create_view" ||
    statement.kind === "create_table" ||
    statement.kind === "create_schema" ||
    statement.kind === "use"
  ) {
    const parts = statement.target.parts;
    const catalogToken =
      parts.length === 3 ||
      (statement.kind !== "create_view" && statement.kind !== "create_table" && parts.length === 2)
        ? parts[0]
        : undefined;
    if (catalogToken) {
      edits.push({
        start: catalogToken.start,
        end: catalogToken.end,
        replacement: quoteIdentifier(duckdbDatabaseOf(catalogToken.text.toLowerCase())),
      });
    }
  }
  return edits;
}
