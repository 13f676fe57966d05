import path from "node:path";

/** The workspace directory used when neither `--workspace` nor MODELSQL_WORKSPACE says otherwise. */
export const DEFAULT_WORKSPACE_DIRECTORY = ".modelsql";

/**
 * Where the workspace is: the `--workspace` option, else MODELSQL_WORKSPACE, else `./.modelsql`,
 * always as an absolute path so that messages and stored paths are unambiguous.
 */
export function resolveWorkspaceDirectory(
  option: string | undefined,
  environment: NodeJS.ProcessEnv = process.env,
  currentDirectory: string = process.cwd(),
): string {
  const chosen = option ?? environment.MODELSQL_WORKSPACE ?? DEFAULT_WORKSPACE_DIRECTORY;
  return path.resolve(currentDirectory, chosen);
}

/** The fixed layout inside a workspace directory. */
export function workspacePaths(directory: string) {
  return {
    directory,
    metadataDatabase: path.join(directory, "metadata.sqlite"),
    artifacts: path.join(directory, "artifacts"),
    staging: path.join(directory, "staging"),
    /** DuckDB data files, one per Unity Catalog catalog: `data/main.duckdb`. */
    data: path.join(directory, "data"),
  } as const;
}

export type WorkspacePaths = ReturnType<typeof workspacePaths>;
