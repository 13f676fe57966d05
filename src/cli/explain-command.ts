import type { Command } from "commander";
import { outputFormat } from "./cli-context.js";
import { printJson, printTable } from "./output.js";
import { addSessionOptions, type SessionOptions, withLocalSession } from "./session-context.js";

export function addExplainCommand(program: Command): void {
  const command = program
    .command("explain")
    .description(
      "Show what a statement references, which model versions it scores with, the privileges checked and the SQL that would run; runs nothing",
    )
    .argument("<sql>", "the SQL to explain");
  addSessionOptions(command).action(async (sql: string, options: SessionOptions, self: Command) => {
    await withLocalSession(self, options, async (session) => {
      const explained = await session.explain(sql);
      if (outputFormat(self) === "json") {
        printJson({ principal: session.principal, statements: explained });
        return;
      }
      for (const [index, statement] of explained.entries()) {
        if (index > 0) process.stdout.write("\n");
        process.stdout.write(
          `Statement (${statement.kind}) as ${session.principal}:\n  ${statement.statement.replaceAll("\n", "\n  ")}\n\nReferences:\n`,
        );
        printTable(
          ["kind", "written", "resolved"],
          statement.references.map((reference) => [
            reference.kind,
            reference.written,
            reference.resolved ?? "-",
          ]),
        );
        if (statement.modelVersions.length > 0) {
          process.stdout.write("\nModel versions:\n");
          printTable(
            ["function", "model", "version"],
            statement.modelVersions.map((version) => [
              version.function,
              version.model,
              version.version ?? `unresolved: ${version.problem}`,
            ]),
          );
        }
        process.stdout.write("\nPrivileges checked:\n");
        printTable(
          ["principal", "privilege", "on", "held", "why"],
          statement.privileges.map((check) => [
            check.principal,
            check.privilege,
            check.securable,
            check.held ? "yes" : "NO",
            check.reason,
          ]),
        );
        process.stdout.write(
          `\nSQL that will run:\n  ${(statement.executedSql ?? "(run by modelsql itself, not DuckDB)").replaceAll("\n", "\n  ")}\n`,
        );
      }
    });
  });
}
