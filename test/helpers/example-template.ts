import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildExampleWorkspace } from "../../src/example-workspace.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A finished `modelsql demo` workspace that test files copy instead of building their own. */
    exampleTemplate: string;
  }
}

/**
 * Global setup: builds the example workspace once per run. Building it registers both example
 * models, which checks their compiled SQL against ONNX Runtime (several seconds); every test
 * file that needs the workspace copies the finished directory instead (exampleSession).
 */
export async function setup(project: TestProject): Promise<() => void> {
  const parent = mkdtempSync(path.join(tmpdir(), "modelsql-template-"));
  const directory = path.join(parent, "workspace");
  await buildExampleWorkspace(directory, { owner: "admin" });
  project.provide("exampleTemplate", directory);
  return () => rmSync(parent, { recursive: true, force: true });
}
