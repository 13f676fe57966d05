import type { Command } from "commander";
import { outputFormat, withWorkspace } from "./cli-context.js";
import { printJson, printTable } from "./output.js";

/** Users and groups. Grants are SQL: GRANT, REVOKE and SHOW GRANTS in `modelsql query`. */
export function addPrincipalsCommand(program: Command): void {
  const principals = program
    .command("principals")
    .description("Users and groups that privileges are granted to");

  principals
    .command("list")
    .description("List users and groups, with each group's members")
    .action(async (_options: unknown, self: Command) => {
      await withWorkspace(self, async (workspace) => {
        const list = workspace.principals.list();
        if (outputFormat(self) === "json") {
          printJson(list.map((principal) => ({ ...principal, owner: principal.name === workspace.owner })));
          return;
        }
        printTable(
          ["name", "kind", "members", "note"],
          list.map((principal) => [
            principal.name,
            principal.kind,
            principal.members.join(", "),
            principal.name === workspace.owner ? "workspace owner" : "",
          ]),
        );
      });
    });

  for (const kind of ["user", "group"] as const) {
    principals
      .command(`create-${kind}`)
      .description(`Create a ${kind}`)
      .argument("<name>", `the ${kind}'s name`)
      .action(async (name: string, _options: unknown, self: Command) => {
        await withWorkspace(self, async (workspace) => {
          workspace.principals.create(name, kind);
          process.stderr.write(`Created ${kind} ${name}.\n`);
        });
      });
  }

  principals
    .command("add-member")
    .description("Put a user or group into a group")
    .argument("<group>")
    .argument("<member>")
    .action(async (group: string, member: string, _options: unknown, self: Command) => {
      await withWorkspace(self, async (workspace) => {
        workspace.principals.addMember(group, member);
        process.stderr.write(`${member} is now a member of ${group}.\n`);
      });
    });

  principals
    .command("remove-member")
    .description("Take a user or group out of a group")
    .argument("<group>")
    .argument("<member>")
    .action(async (group: string, member: string, _options: unknown, self: Command) => {
      await withWorkspace(self, async (workspace) => {
        const removed = workspace.principals.removeMember(group, member);
        process.stderr.write(
          removed
            ? `${member} is no longer a member of ${group}.\n`
            : `${member} was not a member of ${group}; nothing changed.\n`,
        );
      });
    });
}
