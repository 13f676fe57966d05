import type { Command } from "commander";
import { ModelSqlError } from "../errors.js";
import { type ApiToken, durationMilliseconds } from "../governance/api-token-store.js";
import { outputFormat, withWorkspace } from "./cli-context.js";
import { printJson, printTable } from "./output.js";

function state(token: ApiToken, now: Date): string {
  if (token.revokedAt) return `revoked ${token.revokedAt.toISOString()}`;
  if (token.expiresAt && token.expiresAt <= now) return `expired ${token.expiresAt.toISOString()}`;
  return token.expiresAt ? `active until ${token.expiresAt.toISOString()}` : "active, no expiry";
}

/** Bearer tokens for HTTP clients of the workspace, one principal each. */
export function addTokensCommand(program: Command): void {
  const tokens = program
    .command("tokens")
    .description("Bearer tokens for HTTP clients, each acting as one principal (so its grants apply)");

  tokens
    .command("create")
    .description("Create a token for a principal; it is printed once and only its hash is kept")
    .requiredOption("--principal <name>", "the user or group the token acts as")
    .option("--name <text>", "what the token is for")
    .option("--expires-in <duration>", "a lifetime such as 30d, 12h or 90m (default: no expiry)")
    .action(async (options: { principal: string; name?: string; expiresIn?: string }, self: Command) => {
      let expiresAt: Date | undefined;
      if (options.expiresIn !== undefined) {
        const lifetime = durationMilliseconds(options.expiresIn);
        if (lifetime === undefined) {
          throw new ModelSqlError(
            "INVALID_PARAMETER_VALUE",
            `--expires-in '${options.expiresIn}' is not a duration`,
            {
              hint: "Write a whole number of days, hours or minutes: 30d, 12h, 90m.",
            },
          );
        }
        expiresAt = new Date(Date.now() + lifetime);
      }
      await withWorkspace(self, async (workspace) => {
        const { token, details } = workspace.tokens.create(options.principal, {
          createdBy: workspace.owner,
          ...(options.name ? { name: options.name } : {}),
          ...(expiresAt ? { expiresAt } : {}),
        });
        if (outputFormat(self) === "json") {
          printJson({ ...details, token });
          return;
        }
        process.stdout.write(`${token}\n`);
        process.stderr.write(
          `Created token ${details.id} for ${details.principal} (${state(details, new Date())}). It is shown this once; keep it secret.\n`,
        );
      });
    });

  tokens
    .command("list")
    .description("List tokens: id, principal, name, state; never the secrets")
    .action(async (_options: unknown, self: Command) => {
      await withWorkspace(self, async (workspace) => {
        const list = workspace.tokens.list();
        if (outputFormat(self) === "json") {
          printJson(list);
          return;
        }
        const now = new Date();
        printTable(
          ["id", "principal", "name", "state", "created", "last used"],
          list.map((token) => [
            token.id,
            token.principal,
            token.name ?? "",
            state(token, now),
            `${token.createdAt.toISOString()} by ${token.createdBy}`,
            token.lastUsedAt?.toISOString() ?? "never",
          ]),
        );
      });
    });

  tokens
    .command("revoke")
    .description("Revoke a token at once, for every running process")
    .argument("<id>", "the token's id, from `modelsql tokens list`")
    .action(async (id: string, _options: unknown, self: Command) => {
      await withWorkspace(self, async (workspace) => {
        const revoked = workspace.tokens.revoke(id);
        process.stderr.write(revoked ? `Revoked token ${id}.\n` : `Token ${id} was already revoked.\n`);
      });
    });
}
