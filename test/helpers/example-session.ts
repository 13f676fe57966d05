import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { parse as parseYaml } from "yaml";
import { LocalSession } from "../../src/engines/duckdb/local-session.js";
import { ModelSqlError } from "../../src/errors.js";
import { buildExampleWorkspace } from "../../src/example-workspace.js";
import { createFunction } from "../../src/functions/function-creation.js";
import type { FunctionDefinition } from "../../src/functions/function-definition.js";
import { definitionFromDocument } from "../../src/functions/function-definition-file.js";
import { openWorkspace, type Workspace } from "../../src/workspace.js";
import { REPOSITORY_ROOT } from "./example-data.js";

export interface ExampleSession {
  readonly directory: string;
  readonly workspace: Workspace;
  readonly session: LocalSession;
  /** Opens another session on the same workspace, as the owner or another principal (closed by cleanup). */
  openSession(principal?: string): Promise<LocalSession>;
  cleanup(): void;
}

/** The example workspace of `modelsql demo`, built in a temporary directory, with a session open. */
export async function exampleSession(): Promise<ExampleSession> {
  const parent = mkdtempSync(path.join(tmpdir(), "modelsql-test-"));
  const directory = path.join(parent, "workspace");
  const template = inject("exampleTemplate");
  if (template) cpSync(template, directory, { recursive: true });
  else await buildExampleWorkspace(directory, { owner: "admin" });
  const workspace = openWorkspace(directory);
  // One ONNX Runtime thread: test files run side by side on a small machine.
  const sessions: LocalSession[] = [];
  const openSession = async (principal?: string) => {
    const opened = await LocalSession.open(workspace, {
      intraOpThreads: 1,
      ...(principal ? { principal } : {}),
    });
    sessions.push(opened);
    return opened;
  };
  const session = await openSession();
  return {
    directory,
    workspace,
    session,
    openSession,
    cleanup: () => {
      for (const opened of sessions) {
        try {
          opened.close();
        } catch {
          // closed by the test already
        }
      }
      workspace.close();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/** The definition in udfs/predict_churn.yaml with another name, model, return or NULL policy. */
export function churnDefinition(overrides: Record<string, unknown>): FunctionDefinition {
  const document = parseYaml(
    readFileSync(path.join(REPOSITORY_ROOT, "udfs/predict_churn.yaml"), "utf8"),
  ) as Record<string, unknown>;
  return definitionFromDocument({ ...document, ...overrides }, "test definition");
}

export async function addFunction(
  workspace: Workspace,
  overrides: Record<string, unknown>,
): Promise<FunctionDefinition> {
  const definition = churnDefinition(overrides);
  await createFunction(workspace, definition, { principal: "admin", replace: true });
  return definition;
}

/** The 19 feature columns of main.sales.customers, in parameter order. */
export const FEATURE_COLUMNS =
  "gender, senior_citizen, partner, dependents, tenure, phone_service, multiple_lines, internet_service, online_security, online_backup, device_protection, tech_support, streaming_tv, streaming_movies, contract, paperless_billing, payment_method, monthly_charges, total_charges";

/** The ModelSqlError a statement fails with; throws if it succeeds or fails otherwise. */
export async function statementFailure(session: LocalSession, sql: string): Promise<ModelSqlError> {
  const thrown = await session.queryRows(sql).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(thrown instanceof ModelSqlError)) throw new Error(`expected a ModelSqlError, got ${String(thrown)}`);
  return thrown;
}
