import { Command, CommanderError } from "commander";
import { asModelSqlError } from "../errors.js";
import { addDemoCommand } from "./demo-command.js";
import { addDeployCommand } from "./deploy-command.js";
import { addExplainCommand } from "./explain-command.js";
import { addFunctionsCommand } from "./functions-command.js";
import { addInitCommand } from "./init-command.js";
import { addModelsCommand } from "./models-command.js";
import { addMonitorCommand } from "./monitor-command.js";
import { addPrincipalsCommand } from "./principals-command.js";
import { addQueryCommand } from "./query-command.js";
import { addScoreCommand } from "./score-command.js";
import { addServeCommand } from "./serve-command.js";
import { addTokensCommand } from "./tokens-command.js";
import { addTranslateCommand } from "./translate-command.js";

/** Exit codes: 0 success, 1 an error with a class, 2 a command line commander could not parse. */
const EXIT_ERROR = 1;
const EXIT_USAGE = 2;
/** An interrupted command exits as shells report Ctrl-C (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;

function buildProgram(): Command {
  const program = new Command("modelsql")
    .description("Call registered machine-learning models from SQL.")
    .option("-w, --workspace <dir>", "the workspace directory (default: MODELSQL_WORKSPACE or ./.modelsql)")
    .option("--format <format>", "output format: table or json (query also: csv)", "table")
    .showHelpAfterError()
    .exitOverride();
  addInitCommand(program);
  addModelsCommand(program);
  addFunctionsCommand(program);
  addPrincipalsCommand(program);
  addTokensCommand(program);
  addQueryCommand(program);
  addScoreCommand(program);
  addMonitorCommand(program);
  addServeCommand(program);
  addExplainCommand(program);
  addTranslateCommand(program);
  addDeployCommand(program);
  addDemoCommand(program);
  return program;
}

function wantsJson(argv: readonly string[]): boolean {
  const index = argv.indexOf("--format");
  return argv.includes("--format=json") || (index >= 0 && argv[index + 1] === "json");
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return 0;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      return thrown.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const error = asModelSqlError(thrown);
    process.stderr.write(
      wantsJson(argv) ? `${JSON.stringify({ error: error.toJSON() })}\n` : `${error.message}\n`,
    );
    return error.errorClass === "OPERATION_CANCELLED" ? EXIT_INTERRUPTED : EXIT_ERROR;
  }
}

// A reader that stops early (`modelsql models predict ... | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
