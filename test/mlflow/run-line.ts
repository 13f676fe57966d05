import { expect } from "vitest";
import { runCli } from "../helpers/run-cli.js";

/**
 * Runs a describe command (`models describe <version>` or `functions describe <name>`) and checks
 * its Run line: the run, its name as its single `estimator` parameter, and the accuracy the
 * Python script logged.
 */
export async function expectRunLine(
  workspace: string,
  command: readonly string[],
  run: { id: string; name: string; accuracy: number },
): Promise<void> {
  const described = await runCli(workspace, command);
  expect(described.code).toBe(0);
  expect(described.stdout).toMatch(
    new RegExp(
      `\\nRun: +${run.id} \\(${run.name}, experiment \\d+\\); params: estimator=${run.name}; metrics: accuracy=${String(run.accuracy).replace(".", "\\.")}\\n`,
    ),
  );
}
