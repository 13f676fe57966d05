import type { MetadataStore } from "../catalog/metadata-store.js";
import { parseThreeLevelName } from "../catalog/three-level-name.js";
import { ModelSqlError } from "../errors.js";
import type { FunctionDefinition } from "./function-definition.js";

export interface StoredFunction {
  readonly definition: FunctionDefinition;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly lastUpdatedAt: Date;
}

interface FunctionRow {
  name: string;
  definition_json: string;
  created_by: string;
  created_at: number;
  last_updated_at: number;
}

function fromRow(row: FunctionRow): StoredFunction {
  return {
    definition: JSON.parse(row.definition_json) as FunctionDefinition,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    lastUpdatedAt: new Date(row.last_updated_at),
  };
}

/**
 * The workspace's prediction functions, kept in the metadata store beside the registry so that
 * every process sees a created or dropped function on its next statement.
 */
export class FunctionCatalog {
  constructor(private readonly store: MetadataStore) {}

  list(): StoredFunction[] {
    return this.store.all<FunctionRow>("SELECT * FROM functions ORDER BY name").map(fromRow);
  }

  find(name: string): StoredFunction | undefined {
    const row = this.store.get<FunctionRow>("SELECT * FROM functions WHERE name = ?", name);
    return row ? fromRow(row) : undefined;
  }

  get(name: string): StoredFunction {
    const found = this.find(name);
    if (!found) {
      throw new ModelSqlError("UNRESOLVED_ROUTINE", `There is no function ${name}`, {
        hint: "See `modelsql functions list`.",
      });
    }
    return found;
  }

  /**
   * Stores a definition. `replace` allows overwriting one of the same name; without it an
   * existing function is an error, as CREATE FUNCTION without OR REPLACE is in Databricks.
   */
  create(definition: FunctionDefinition, options: { principal: string; replace: boolean }): StoredFunction {
    const now = Date.now();
    this.store.writeTransaction(() => {
      const existing = this.store.get<FunctionRow>("SELECT * FROM functions WHERE name = ?", definition.name);
      if (existing && !options.replace) {
        throw new ModelSqlError("ROUTINE_ALREADY_EXISTS", `Function ${definition.name} already exists`, {
          hint: "Pass --replace to replace it, or drop it first with `modelsql functions drop`.",
        });
      }
      if (existing) {
        this.store.run(
          "UPDATE functions SET definition_json = ?, last_updated_at = ? WHERE name = ?",
          JSON.stringify(definition),
          now,
          definition.name,
        );
      } else {
        this.store.run(
          "INSERT INTO functions (name, definition_json, created_by, created_at, last_updated_at) VALUES (?, ?, ?, ?, ?)",
          definition.name,
          JSON.stringify(definition),
          options.principal,
          now,
          now,
        );
      }
    });
    return this.get(definition.name);
  }

  drop(name: string): void {
    const { changes } = this.store.run("DELETE FROM functions WHERE name = ?", name);
    if (changes === 0) this.get(name);
  }
}

/** Catalogs that hold at least one function, beside `main`. */
export function catalogsOf(functions: readonly StoredFunction[]): string[] {
  return [
    ...new Set([
      "main",
      ...functions.map((stored) => parseThreeLevelName(stored.definition.name, "function").catalog),
    ]),
  ];
}
