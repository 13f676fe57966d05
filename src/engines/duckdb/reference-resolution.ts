import type { DuckDBConnection } from "@duckdb/node-api";
import { ModelSqlError } from "../../errors.js";
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

export interface Relation {
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

  static create(
    relations: ReadonlyMap<string, Relation>,
    definitions: readonly FunctionDefinition[],
    searchPath: readonly { database: string; schema: string }[],
  ): ReferenceResolver {
    return new ReferenceResolver(relations, searchPath, definitions);
  }

  /** Every table and view in DuckDB's catalog, by database, schema and name. */
  static async readRelations(connection: DuckDBConnection): Promise<ReadonlyMap<string, Relation>> {
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
    return relations;
  }

  resolve(reference: NameReference): ResolvedReference {
    if (reference.kind === "table") return this.resolveRelation(reference);
    if (reference.kind === "function") return this.resolveFunction(reference);
    return { reference };
  }

  /**
   * Where DuckDB may find a name. A two-part `x.y` is y in schema x of any database on the
   * search path, of the current database, or in database x's default schema `main` (DuckDB reads
   * `x.y` either way); all are candidates, and a name found in more than one is refused.
   */
  private candidates(reference: NameReference): { database: string; schema: string }[] {
    if (reference.catalog !== "")
      return [{ database: duckdbDatabaseOf(reference.catalog.toLowerCase()), schema: reference.schema }];
    if (reference.schema !== "") {
      const schema = reference.schema;
      const databases = [...new Set([...this.searchPath.map((place) => place.database)])];
      return [...databases.map((database) => ({ database, schema })), { database: schema, schema: "main" }];
    }
    return [...this.searchPath];
  }

  private ambiguous(reference: NameReference, places: readonly string[]): never {
    throw new ModelSqlError(
      "UNSUPPORTED_STATEMENT",
      `The name ${reference.schema}.${reference.name} could mean ${places.join(" or ")}`,
      {
        hint: "Write it with its catalog: catalog.schema.name.",
      },
    );
  }

  private resolveRelation(reference: NameReference): ResolvedReference {
    const found = this.candidates(reference).flatMap((place) => {
      const relation = this.relations.get(key(place.database, place.schema, reference.name));
      return relation ? [relation] : [];
    });
    const distinct = [
      ...new Map(
        found.map((relation) => [key(relation.database, relation.schema, relation.name), relation]),
      ).values(),
    ];
    if (reference.schema !== "" && reference.catalog === "" && distinct.length > 1) {
      this.ambiguous(
        reference,
        distinct.map(
          (relation) => `${catalogOfDuckdbDatabase(relation.database)}.${relation.schema}.${relation.name}`,
        ),
      );
    }
    for (const relation of distinct.slice(0, 1)) {
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
    // `x.f()` may be DuckDB's method-call form of `f(x)`, the parse tree giving `x` as the schema:
    // the bare name on the search path is then a candidate too.
    const bare = reference.schema !== "" ? [...this.searchPath] : [];
    const matches = (place: { database: string; schema: string }) =>
      this.definitions.filter((candidate) => {
        const location = macroLocation(candidate);
        return (
          location.database === place.database.toLowerCase() &&
          location.schema === place.schema.toLowerCase() &&
          location.name === name
        );
      });
    const written = [...new Set(this.candidates(reference).flatMap(matches))];
    if (reference.schema !== "" && reference.catalog === "" && written.length > 1) {
      this.ambiguous(
        reference,
        written.map((definition) => definition.name),
      );
    }
    const definition = written[0] ?? bare.flatMap(matches)[0];
    if (!definition) return { reference };
    return {
      reference,
      securable: { type: "FUNCTION", name: definition.name },
      location: macroLocation(definition),
      definition,
    };
  }
}
