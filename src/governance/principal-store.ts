import type { MetadataStore } from "../catalog/metadata-store.js";
import { ModelSqlError } from "../errors.js";

export type PrincipalKind = "user" | "group";

export interface Principal {
  readonly name: string;
  readonly kind: PrincipalKind;
}

/** User and group names: letters, digits and `_ . @ + -`, as account and e-mail names have. */
const PRINCIPAL_NAME = /^[\w.@+-]{1,255}$/;

export function checkPrincipalName(name: string): string {
  if (!PRINCIPAL_NAME.test(name)) {
    throw new ModelSqlError("INVALID_PARAMETER_VALUE", `'${name}' is not a valid principal name`, {
      hint: "Use letters, digits and _ . @ + -, at most 255 characters.",
    });
  }
  return name;
}

/**
 * Users and groups, and who is in which group. Groups may contain groups; membership is
 * followed to any depth, and a cycle is refused when it would be made.
 */
export class PrincipalStore {
  constructor(private readonly store: MetadataStore) {}

  list(): (Principal & { members: string[] })[] {
    const principals = this.store.all<Principal>("SELECT name, kind FROM principals ORDER BY kind, name");
    const members = this.store.all<{ group_name: string; member: string }>(
      "SELECT group_name, member FROM group_members ORDER BY member",
    );
    return principals.map((principal) => ({
      ...principal,
      members: members.filter((row) => row.group_name === principal.name).map((row) => row.member),
    }));
  }

  find(name: string): Principal | undefined {
    return this.store.get<Principal>("SELECT name, kind FROM principals WHERE name = ?", name);
  }

  get(name: string): Principal {
    const found = this.find(name);
    if (!found) {
      throw new ModelSqlError("INVALID_PARAMETER_VALUE", `There is no user or group '${name}'`, {
        hint: "See `modelsql principals list`; create one with `modelsql principals create-user` or `create-group`.",
      });
    }
    return found;
  }

  create(name: string, kind: PrincipalKind): void {
    checkPrincipalName(name);
    this.store.writeTransaction(() => {
      const existing = this.find(name);
      if (existing) {
        throw new ModelSqlError(
          "INVALID_PARAMETER_VALUE",
          `A ${existing.kind} named '${name}' already exists`,
        );
      }
      this.store.run(
        "INSERT INTO principals (name, kind, created_at) VALUES (?, ?, ?)",
        name,
        kind,
        Date.now(),
      );
    });
  }

  addMember(group: string, member: string): void {
    this.store.writeTransaction(() => {
      if (this.get(group).kind !== "group")
        throw new ModelSqlError("INVALID_PARAMETER_VALUE", `'${group}' is a user, not a group`);
      this.get(member);
      if (member === group || this.groupsOf(group).includes(member)) {
        throw new ModelSqlError(
          "INVALID_PARAMETER_VALUE",
          `Adding '${member}' to '${group}' would make a group contain itself`,
        );
      }
      this.store.run("INSERT OR IGNORE INTO group_members (group_name, member) VALUES (?, ?)", group, member);
    });
  }

  removeMember(group: string, member: string): boolean {
    return (
      this.store.run("DELETE FROM group_members WHERE group_name = ? AND member = ?", group, member).changes >
      0
    );
  }

  /** Every group the principal is in, directly or through other groups. */
  groupsOf(name: string): string[] {
    const rows = this.store.all<{ group_name: string }>(
      `WITH RECURSIVE memberships(group_name) AS (
         SELECT group_name FROM group_members WHERE member = ?
         UNION
         SELECT g.group_name FROM group_members g JOIN memberships m ON g.member = m.group_name
       )
       SELECT group_name FROM memberships ORDER BY group_name`,
      name,
    );
    return rows.map((row) => row.group_name);
  }
}
