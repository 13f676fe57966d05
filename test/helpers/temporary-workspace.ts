import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { initWorkspace, openWorkspace, type Workspace } from "../../src/workspace.js";

/** A fresh workspace in its own temporary directory, removed by the returned cleanup. */
export function temporaryWorkspace(): { directory: string; workspace: Workspace; cleanup: () => void } {
  const parent = mkdtempSync(path.join(tmpdir(), "modelsql-test-"));
  const directory = path.join(parent, "workspace");
  initWorkspace(directory, { owner: "admin" });
  const workspace = openWorkspace(directory);
  return {
    directory,
    workspace,
    cleanup: () => {
      workspace.close();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
