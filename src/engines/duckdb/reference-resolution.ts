import type { DuckDBConnection } from "@duckdb/node-api";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import type { Securable } from "../../governance/securables.js";
import type { NameReference } from "../../sql/analyse/query-references.js";
import { catalogOfDuckdbDatabase, duckdbDatabaseOf } from "./duckdb-catalog-names.js";
import { macroLocation } from "./function-macros.js";

/** A reference with the securable it names, in Unity Catalog's terms, where it names one. */
export interface ResolvedReference {
  readonly reference: NameReference;
  /** The table, view or prediction function; undefined for built-in functions and CTEs. */
  readonly securable?: Securable;
  /** Where DuckDB finds it: database, schema, name (for qualifying names in a view). */
  readonly location?: { readonly database: string; readonly schema: string; readonly name: string };
  readonly isView?: boolean;
  readonly definition?: FunctionDefinition;
  /** A table reference that names nothing DuckDB has: it would fail, or read a file. */
  readonly unresolved?: boolean;
}

interface Relation {
  readonly database: string;
  readonly schema: string;
  readonly name: string;
  readonly isView: boolean;
}

const key = (database: string, schema: string, name: string) =>
  `${database}\u0000${schema}\u0000${name}`.toLowerCase();

/**
 * Resolves a statement's names the way DuckDB will bind them, against DuckDB's own catalog:
 * a one-part name in the current schema and then the search path, a two-part name as
 * schema.name in the current catalog, a three-part name as written (Unity Catalog's `main`
 * being DuckDB's `main_db`). Prediction functions are found among the function definitions at
 * the schemas where their macros live.
 */
export class ReferenceResolver {
  private constructor(
    private readonly relations: ReadonlyMap<string, Relation>,
    private readonly searchPath: readonly { database: string; schema: string }[],
    private readonly definitions: readonly FunctionDefinition[],
  ) {}

  static async load(
    connection: DuckDBConnection,
    definitions: readonly FunctionDefinition[],
    searchPath: readonly { database: string; schema: string }[],
  ): Promise<ReferenceResolver> {
    const reader = await connection.runAndReadAll(
      `SELECT database_name AS database, schema_name AS schema, table_name AS name, false AS is_view FROM duckdb_tables() WHERE NOT internal
       UNION ALL
       SELECT database_name, schema_name, view_name, true FROM duckdb_views() WHERE NOT internal`,
    );
    const relations = new Map<string, Relation>();
    for (const row of reader.getRowObjects() as {
      database: string;
      schema: string;
      name: string;
      is_view: boolean;
    }[]) {
      relations.set(key(row.database, row.schema, row.name), {
        database: row.database,
        schema: row.schema,
        name: row.name,
        isView: row.is_view,
      });
    }
    return new ReferenceResolver(relations, searchPath, definitions);
  }

  resolve(reference: NameReference): ResolvedReference {
    if (reference.kind === "table") return this.resolveRelation(reference);
    if (reference.kind === "function") return this.resolveFunction(reference);
    return { reference };
  }

  private candidates(reference: NameReference): { database: string; schema: string }[] {
    if (reference.catalog !== "")
      return [{ database: duckdbDatabaseOf(reference.catalog.toLowerCase()), schema: reference.schema }];
    if (reference.schema !== "")
      return [{ database: (this.searchPath[0] as { database: string }).database, schema: reference.schema }];
    return [...this.searchPath];
  }

  private resolveRelation(reference: NameReference): ResolvedReference {
    for (const place of this.candidates(reference)) {
      const relation = this.relations.get(key(place.database, place.schema, reference.name));
      if (!relation) continue;
      return {
        reference,
        securable: {
          type: "TABLE",
          name: [catalogOfDuckdbDatabase(relation.database), relation.schema, relation.name]
            .join(".")
            .toLowerCase(),
        },
        location: { database: relation.database, schema: relation.schema, name: relation.name },
        isView: relation.isView,
      };
    }
    return { reference, unresolved: true };
  }

  private resolveFunction(reference: NameReference): ResolvedReference {
    const name = reference.name.toLowerCase();
    for (const place of this.candidates(reference)) {
      const definition = this.definitions.find((candidate) => {
        const location = macroLocation(candidate);
        return (
          location.database === place.database.toLowerCase() &&
          location.schema === place.schema.toLowerCase() &&
          location.name === name
        );
      });
      if (definition) {
        const location = macroLocation(definition);
        return { reference, securable: { type: "FUNCTION", name: definition.name }, location, definition };
      }
    }
    return { reference };
  }
}
