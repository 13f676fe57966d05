import { spawn } from "node:child_process";
import path from "node:path";
import { REPOSITORY_ROOT } from "./example-data.js";

export const CLI = path.join(REPOSITORY_ROOT, "bin/modelsql.js");

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a node script (the built CLI by default) to the end, collecting its output. */
export function runNode(args: readonly string[], environment: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...environment } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `modelsql <args>` against a workspace. */
export function runCli(workspace: string, args: readonly string[]): Promise<Finished> {
  return runNode([CLI, "--workspace", workspace, ...args]);
}
