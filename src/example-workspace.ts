import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { computeBaseline } from "./engines/duckdb/baseline-computation.js";
import { checkVersion } from "./engines/duckdb/compiled-routes.js";
import { quoteLiteral } from "./engines/duckdb/duckdb-catalog-names.js";
import { LocalSession } from "./engines/duckdb/local-session.js";
import { createFunction } from "./functions/function-creation.js";
import { readFunctionDefinitionFile } from "./functions/function-definition-file.js";
import { initWorkspace, openWorkspace } from "./workspace.js";

/** The package's own directory, where udfs/, sql/ and examples/ ship: the nearest package.json up. */
function packageRoot(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(directory, "package.json"))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error("modelsql's package.json was not found above its code");
    directory = parent;
  }
  return directory;
}

export const PACKAGE_ROOT = packageRoot();

export const EXAMPLE_MODEL = "main.ml.churn";
/** The owner of a new example workspace, and the users its grants (sql/example/04_grants.sql) name. */
export const EXAMPLE_OWNER = "admin";
export const EXAMPLE_USERS = ["analyst", "bi_reader", "intern"] as const;
export const EXAMPLE_SESSION_DEFAULTS = { currentSchema: "main.sales", path: ["main.ml"] } as const;

/**
 * Builds the example workspace from the repository's udfs/ and sql/: the two churn models
 * (version 1 logistic regression, version 2 gradient-boosted trees) with aliases champion -> 2
 * and challenger -> 1, the prediction functions, the customer tables, and session defaults
 * under which the README's seed query runs verbatim. Running it again keeps what exists.
 * Returns what it did, one line each.
 */
export async function buildExampleWorkspace(
  directory: string,
  options: { owner?: string } = {},
): Promise<string[]> {
  const done: string[] = [];
  if (initWorkspace(directory, { owner: options.owner ?? EXAMPLE_OWNER }).created)
    done.push(`created workspace ${directory}`);
  const workspace = openWorkspace(directory);
  try {
    for (const user of EXAMPLE_USERS) {
      if (workspace.principals.find(user)) continue;
      workspace.principals.create(user, "user");
      done.push(`created user ${user}`);
    }
    const models = await workspace.registry.listModels();
    if (!models.some((model) => model.name === EXAMPLE_MODEL)) {
      const principal = workspace.owner;
      for (const [folder, description] of [
        ["churn_logreg", "logistic regression"],
        ["churn_gbt", "gradient-boosted trees"],
      ] as const) {
        const version = await workspace.registry.registerVersion({
          name: EXAMPLE_MODEL,
          path: path.join(PACKAGE_ROOT, "examples", "models", folder),
          description,
          principal,
        });
        const check = await checkVersion(workspace.compiledRoutes, version);
        done.push(
          `registered ${EXAMPLE_MODEL} version ${version.version} (${description}); compiled SQL ${check.outcome} its parity check`,
        );
      }
      await workspace.registry.setAlias(EXAMPLE_MODEL, "champion", 2);
      await workspace.registry.setAlias(EXAMPLE_MODEL, "challenger", 1);
      done.push("set aliases champion -> 2, challenger -> 1");
    }
    const udfs = path.join(PACKAGE_ROOT, "udfs");
    for (const file of readdirSync(udfs)
      .filter((name) => name.endsWith(".yaml"))
      .sort()) {
      const definition = readFunctionDefinitionFile(path.join(udfs, file));
      if (workspace.functions.find(definition.name)) continue;
      await createFunction(workspace, definition, { principal: workspace.owner, replace: false });
      done.push(`created function ${definition.name} from udfs/${file}`);
    }
    workspace.settings.setSessionDefaults({
      ...EXAMPLE_SESSION_DEFAULTS,
      path: [...EXAMPLE_SESSION_DEFAULTS.path],
    });
    const session = await LocalSession.open(workspace);
    try {
      const csv = path.join(PACKAGE_ROOT, "examples", "data", "telco_churn.csv");
      await session.connection.run(`SET VARIABLE telco_csv = ${quoteLiteral(csv)}`);
      const scripts = path.join(PACKAGE_ROOT, "sql", "example");
      for (const file of readdirSync(scripts)
        .filter((name) => name.endsWith(".sql"))
        .sort()) {
        const { result } = await session.execute(readFileSync(path.join(scripts, file), "utf8"));
        await result.getRows();
        await session.complete(true);
        done.push(`ran sql/example/${file}`);
      }
      // The customers are the models' training data: the baseline predict_churn's drift is
      // measured against (modelsql monitor, the dashboard).
      const reference = "SELECT * FROM main.sales.customers";
      for (const stored of workspace.functions.list()) {
        if (workspace.driftBaselines.find(stored.definition.name)) continue;
        workspace.driftBaselines.save(await computeBaseline(session, stored.definition, reference));
        done.push(`set the drift baseline of ${stored.definition.name} from main.sales.customers`);
      }
    } finally {
      session.close();
    }
  } finally {
    workspace.close();
  }
  return done;
}
