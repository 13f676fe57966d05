import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { type DeploymentPlan, planDeployment } from "../engines/databricks/deployment-plan.js";
import { describeCause, ModelSqlError } from "../errors.js";
import { outputFormat } from "./cli-context.js";
import { parseTimeout, runOnDatabricks } from "./databricks-run.js";
import { printJson } from "./output.js";
import { addSessionOptions, type SessionOptions, withLocalSession } from "./session-context.js";

interface DeployOptions extends SessionOptions {
  target?: string;
  dryRun?: boolean;
  profile?: string;
  endpointsFile?: string;
  principalMap?: string;
  timeout?: string;
}

/** Local principal names mapped to Databricks ones (e.g. analyst: analyst@example.com), from YAML. */
function principalMap(file: string | undefined): ((local: string) => string) | undefined {
  if (!file) return undefined;
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `Cannot read the principal map ${file}: ${describeCause(error)}`,
    );
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new ModelSqlError(
      "INVALID_PARAMETER_VALUE",
      `${file} must map local principal names to Databricks names`,
      {
        hint: "For example:\n  analyst: analyst@example.com\n  bi_reader: bi-readers",
      },
    );
  }
  const map = new Map(
    Object.entries(document as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
  );
  return (local) => map.get(local) ?? local;
}

function printPlan(plan: DeploymentPlan): void {
  const out = process.stdout;
  out.write("-- modelsql deploy --target databricks: Unity Catalog DDL, in the order it runs.\n");
  for (const statement of plan.statements)
    out.write(`\n-- ${statement.kind}: ${statement.object}\n${statement.sql};\n`);
  for (const skipped of plan.skipped) out.write(`\n-- skipped ${skipped.object}: ${skipped.reason}\n`);
  out.write(
    "\n-- Serving endpoints the functions call (bodies for POST /api/2.0/serving-endpoints,\n-- or PUT /api/2.0/serving-endpoints/{name}/config with the config part to move a version):\n",
  );
  for (const line of JSON.stringify(plan.endpoints, null, 2).split("\n")) out.write(`-- ${line}\n`);
}

export function addDeployCommand(program: Command): void {
  const command = program
    .command("deploy")
    .description(
      "Make the workspace's prediction functions, views and grants real in Unity Catalog (Databricks)",
    )
    .requiredOption("--target <engine>", "where to deploy: databricks")
    .option("--dry-run", "print the DDL and the serving endpoint configuration; change nothing")
    .option("--profile <name>", "the ~/.databrickscfg profile to connect with")
    .option("--endpoints-file <file.json>", "also write the serving endpoint configurations to this file")
    .option(
      "--principal-map <file.yaml>",
      "YAML mapping local principal names to Databricks users and groups",
    )
    .option("--timeout <seconds>", "cancel a statement that runs longer than this");
  addSessionOptions(command).action(async (options: DeployOptions, self: Command) => {
    if ((options.target ?? "").toLowerCase() !== "databricks") {
      throw new ModelSqlError("INVALID_PARAMETER_VALUE", `--target '${options.target}' is not supported`, {
        hint: "The only deployment target is databricks.",
      });
    }
    const timeoutSeconds = parseTimeout(options.timeout);
    const mapping = principalMap(options.principalMap);
    await withLocalSession(self, options, async (session, workspace) => {
      const plan = await planDeployment(session, workspace, mapping ? { principalName: mapping } : {});
      if (options.endpointsFile)
        writeFileSync(options.endpointsFile, `${JSON.stringify(plan.endpoints, null, 2)}\n`);
      if (options.dryRun) {
        if (outputFormat(self) === "json") printJson(plan);
        else printPlan(plan);
        return;
      }
      await runOnDatabricks(
        plan.statements.map((statement) => statement.sql),
        {
          ...(options.profile ? { profile: options.profile } : {}),
          ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
        },
      );
      // Recorded only once every statement ran: local ai_query tests then follow this version.
      workspace.deployments.record(plan.deployed, session.principal);
      process.stdout.write(
        `Deployed ${plan.statements.length} statements to Databricks (${plan.deployed.length} functions). Apply the serving endpoint configurations (--endpoints-file) so each endpoint serves the version shown.\n`,
      );
    });
  });
}
