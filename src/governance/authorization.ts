import { ModelSqlError } from "../errors.js";
import type { GrantStore } from "./grant-store.js";
import type { PrincipalStore } from "./principal-store.js";
import type { Privilege } from "./privileges.js";
import { type Securable, withAncestors } from "./securables.js";

/** One privilege a statement needs, as `explain` lists them. */
export interface RequiredPrivilege {
  readonly principal: string;
  readonly privilege: Privilege;
  readonly securable: Securable;
  /** Why it is needed ("read by the statement", "view main.sales.v runs as its owner"). */
  readonly reason: string;
}

/**
 * Unity Catalog's privilege model over the workspace's principals and grants:
 * - the workspace owner is the metastore admin and holds every privilege;
 * - the owner of an object holds every privilege on it, and the owner of a catalog or schema on
 *   everything below it;
 * - a privilege granted on a catalog or schema applies to every object below it, now or later;
 * - a principal holds what any group it belongs to (directly or through groups) holds.
 */
export class Authorizer {
  constructor(
    private readonly principals: PrincipalStore,
    private readonly grants: GrantStore,
    private readonly workspaceOwner: string,
  ) {}

  /** The principal and every group it is in. */
  identities(principal: string): string[] {
    return [principal, ...this.principals.groupsOf(principal)];
  }

  ownerOf(securable: Securable): string {
    return this.grants.ownerOf(securable) ?? this.workspaceOwner;
  }

  has(principal: string, privilege: Privilege, securable: Securable): boolean {
    if (principal === this.workspaceOwner) return true;
    const identities = this.identities(principal);
    for (const level of withAncestors(securable)) {
      const owner = this.grants.ownerOf(level);
      if (owner !== undefined && identities.includes(owner)) return true;
      if (this.grants.holds(level, identities, privilege)) return true;
    }
    return false;
  }

  /** Throws INSUFFICIENT_PERMISSIONS for the first privilege the principal lacks. */
  require(checks: readonly RequiredPrivilege[]): void {
    for (const check of checks) {
      if (!this.has(check.principal, check.privilege, check.securable)) {
        const kind = this.principals.find(check.principal)?.kind === "group" ? "Group" : "User";
        throw new ModelSqlError(
          "INSUFFICIENT_PERMISSIONS",
          `${kind} '${check.principal}' does not have ${check.privilege} on ${check.securable.type} '${check.securable.name}'`,
          { hint: `Ask an owner of ${check.securable.name} (or a holder of MANAGE on it) to grant it.` },
        );
      }
    }
  }

  /** Whether the principal may grant and revoke on the securable: an owner, or MANAGE. */
  mayManage(principal: string, securable: Securable): boolean {
    return this.has(principal, "MANAGE", securable);
  }
}

/**
 * The privileges using an object takes: `privilege` on it, and USE CATALOG and USE SCHEMA on its
 * path. The object's own privilege comes first, so that a denial names what the principal was
 * trying to do (EXECUTE on the function) when it lacks that too.
 */
export function accessChecks(
  principal: string,
  privilege: Privilege,
  securable: Securable,
  reason: string,
): RequiredPrivilege[] {
  const parts = securable.name.split(".");
  const checks: RequiredPrivilege[] = [];
  if (securable.type !== "CATALOG" && securable.type !== "SCHEMA")
    checks.push({ principal, privilege, securable, reason });
  checks.push({
    principal,
    privilege: "USE CATALOG",
    securable: { type: "CATALOG", name: parts[0] as string },
    reason,
  });
  if (parts.length >= 2)
    checks.push({
      principal,
      privilege: "USE SCHEMA",
      securable: { type: "SCHEMA", name: parts.slice(0, 2).join(".") },
      reason,
    });
  return checks;
}
