import type { Command } from "commander";
import { type PushedDownStatement, pushDown } from "../engines/databricks/pushdown-rewrite.js";
import { asModelSqlError } from "../errors.js";
import { DUCKDB } from "../sql/dialects/duckdb-dialect.js";
import { inOriginalText } from "../sql/rewrite/position-mapping.js";
import { outputFormat } from "./cli-context.js";
import {
  addDialectOptions,
  checkedTarget,
  type DialectOptions,
  dialectOf,
  inLocalDialect,
} from "./dialect-options.js";
import { printJson, printTable } from "./output.js";
import { addSessionOptions, type SessionOptions, withLocalSession } from "./session-context.js";

type ExplainOptions = SessionOptions & DialectOptions;

function indent(text: string): string {
  return `  ${text.replaceAll("\n", "\n  ")}`;
}

export function addExplainCommand(program: Command): void {
  const command = program
    .command("explain")
    .description(
      "Show what a statement references, which model versions it scores with, the privileges checked and the SQL that would run (locally or on Databricks); runs nothing",
    )
    .argument("<sql>", "the SQL to explain");
  addDialectOptions(addSessionOptions(command)).action(
    async (sql: string, options: ExplainOptions, self: Command) => {
      await withLocalSession(self, options, async (session, workspace) => {
        const local = await inLocalDialect(sql, options, session, workspace);
        const explained = await session.explain(local).catch((error: unknown) => {
          throw inOriginalText(
            error,
            { text: local, dialect: DUCKDB },
            { text: sql, dialect: dialectOf(options) },
          );
        });
        // For Databricks: the rewrite and the route of each prediction call, or why there is none.
        const pushed: (PushedDownStatement | { error: string })[] =
          checkedTarget(options) === "databricks"
            ? (await session.plan(local, { enforce: false })).map((planned) => {
                try {
                  return pushDown(planned);
                } catch (error) {
                  return { error: asModelSqlError(error).message };
                }
              })
            : [];
        if (outputFormat(self) === "json") {
          printJson({
            principal: session.principal,
            target: checkedTarget(options),
            ...(local !== sql ? { duckdbSql: local } : {}),
            statements: explained.map((statement, index) => ({ ...statement, databricks: pushed[index] })),
          });
          return;
        }
        if (local !== sql) process.stdout.write(`Read as DuckDB SQL:\n${indent(local.trim())}\n\n`);
        for (const [index, statement] of explained.entries()) {
          if (index > 0) process.stdout.write("\n");
          process.stdout.write(
            `Statement (${statement.kind}) as ${session.principal}:\n${indent(statement.statement)}\n\nReferences:\n`,
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
              ["function", "model", "version", "route", "why"],
              statement.modelVersions.map((version) => [
                version.function,
                version.model,
                version.version ?? (version.problem ? `unresolved: ${version.problem}` : "-"),
                version.route ?? "-",
                version.routeReason ?? "-",
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
          const remote = pushed[index];
          if (!remote) {
            process.stdout.write(
              `\nSQL that will run:\n${indent(statement.executedSql ?? "(run by modelsql itself, not DuckDB)")}\n`,
            );
          } else if ("error" in remote) {
            process.stdout.write(`\nNot runnable on Databricks:\n${indent(remote.error)}\n`);
          } else {
            if (remote.routes.length > 0) {
              process.stdout.write("\nRoutes on Databricks:\n");
              printTable(
                ["function", "route", "serving endpoint", "model version"],
                remote.routes.map((route) => [
                  route.function,
                  route.route === "uc_function"
                    ? `Unity Catalog function ${route.function}`
                    : route.route === "sql"
                      ? `Unity Catalog function ${route.function}, the model compiled to SQL`
                      : "ai_query inline",
                  route.route === "sql" ? "none" : route.endpoint,
                  `${route.model} version ${route.version}`,
                ]),
              );
            }
            process.stdout.write(`\nSQL sent to Databricks:\n${indent(remote.databricksSql)}\n`);
          }
        }
      });
    },
  );
}
