import type { MetadataStore } from "./metadata-store.js";

/** Session defaults a statement starts with, unless the command line says otherwise. */
export interface SessionDefaults {
  /** `catalog.schema` that unqualified table and function names resolve in. */
  readonly currentSchema: string;
  /** Further `catalog.schema`s searched for unqualified names, in order. */
  readonly path: readonly string[];
}

const DEFAULTS: SessionDefaults = { currentSchema: "main.default", path: [] };

/** Workspace-wide settings kept in the metadata store's key-value table. */
export class WorkspaceSettings {
  constructor(private readonly store: MetadataStore) {}

  private read(key: string): string | undefined {
    return this.store.get<{ value: string }>("SELECT value FROM workspace_settings WHERE key = ?", key)
      ?.value;
  }

  private write(key: string, value: string): void {
    this.store.run(
      "INSERT INTO workspace_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
  }

  sessionDefaults(): SessionDefaults {
    const path = this.read("session_path");
    return {
      currentSchema: this.read("session_current_schema") ?? DEFAULTS.currentSchema,
      path: path ? (JSON.parse(path) as string[]) : DEFAULTS.path,
    };
  }

  setSessionDefaults(defaults: SessionDefaults): void {
    this.store.writeTransaction(() => {
      this.write("session_current_schema", defaults.currentSchema);
      this.write("session_path", JSON.stringify(defaults.path));
    });
  }
}
