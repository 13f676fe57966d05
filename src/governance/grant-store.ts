import type { MetadataStore } from "../catalog/metadata-store.js";
import type { Privilege } from "./privileges.js";
import type { Securable, SecurableType } from "./securables.js";

export interface Grant {
  readonly securable: Securable;
  readonly principal: string;
  readonly privilege: Privilege;
  readonly grantedBy: string;
}

interface GrantRow {
  securable_type: SecurableType;
  securable: string;
  principal: string;
  privilege: Privilege;
  granted_by: string;
}

function fromRow(row: GrantRow): Grant {
  return {
    securable: { type: row.securable_type, name: row.securable },
    principal: row.principal,
    privilege: row.privilege,
    grantedBy: row.granted_by,
  };
}

/** Grants and owners, in the metadata store: every process sees a change on its next statement. */
export class GrantStore {
  constructor(private readonly store: MetadataStore) {}

  grant(securable: Securable, principal: string, privilege: Privilege, grantedBy: string): void {
    this.store.run(
      "INSERT OR IGNORE INTO grants (securable_type, securable, principal, privilege, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)",
      securable.type,
      securable.name,
      principal,
      privilege,
      grantedBy,
      Date.now(),
    );
  }

  /** Revokes one privilege; revoking ALL PRIVILEGES removes every grant to the principal there. */
  revoke(securable: Securable, principal: string, privilege: Privilege): number {
    if (privilege === "ALL PRIVILEGES") {
      return this.store.run(
        "DELETE FROM grants WHERE securable_type = ? AND securable = ? AND principal = ?",
        securable.type,
        securable.name,
        principal,
      ).changes;
    }
    return this.store.run(
      "DELETE FROM grants WHERE securable_type = ? AND securable = ? AND principal = ? AND privilege = ?",
      securable.type,
      securable.name,
      principal,
      privilege,
    ).changes;
  }

  /** Every grant in the workspace, ordered by securable, principal and privilege. */
  all(): Grant[] {
    return this.store
      .all<GrantRow>("SELECT * FROM grants ORDER BY securable_type, securable, principal, privilege")
      .map(fromRow);
  }

  /** The grants on one securable, optionally to one principal. */
  grantsOn(securable: Securable, principal?: string): Grant[] {
    const rows = principal
      ? this.store.all<GrantRow>(
          "SELECT * FROM grants WHERE securable_type = ? AND securable = ? AND principal = ? ORDER BY principal, privilege",
          securable.type,
          securable.name,
          principal,
        )
      : this.store.all<GrantRow>(
          "SELECT * FROM grants WHERE securable_type = ? AND securable = ? ORDER BY principal, privilege",
          securable.type,
          securable.name,
        );
    return rows.map(fromRow);
  }

  /** Whether any of the principals holds the privilege (or ALL PRIVILEGES) on the securable itself. */
  holds(securable: Securable, principals: readonly string[], privilege: Privilege): boolean {
    const placeholders = principals.map(() => "?").join(", ");
    const row = this.store.get<{ found: number }>(
      `SELECT 1 AS found FROM grants WHERE securable_type = ? AND securable = ? AND principal IN (${placeholders}) AND privilege IN (?, 'ALL PRIVILEGES') LIMIT 1`,
      securable.type,
      securable.name,
      ...principals,
      privilege,
    );
    return row !== undefined;
  }

  ownerOf(securable: Securable): string | undefined {
    return this.store.get<{ owner: string }>(
      "SELECT owner FROM owners WHERE securable_type = ? AND securable = ?",
      securable.type,
      securable.name,
    )?.owner;
  }

  setOwner(securable: Securable, owner: string): void {
    this.store.run(
      "INSERT INTO owners (securable_type, securable, owner) VALUES (?, ?, ?) ON CONFLICT (securable_type, securable) DO UPDATE SET owner = excluded.owner",
      securable.type,
      securable.name,
      owner,
    );
  }

  /** Whether modelsql recorded an owner for anything inside the schema `catalog.schema`. */
  ownedUnder(schema: string): boolean {
    const prefix = `${schema}.`;
    return (
      this.store.get<{ found: number }>(
        "SELECT 1 AS found FROM owners WHERE substr(securable, 1, length(?)) = ? LIMIT 1",
        prefix,
        prefix,
      ) !== undefined
    );
  }

  /** Runs several changes in one write transaction: all of them happen or none. */
  transaction<T>(work: () => T): T {
    return this.store.writeTransaction(work);
  }

  /** Forgets grants and ownership of a dropped object. */
  forget(securable: Securable): void {
    this.store.run(
      "DELETE FROM grants WHERE securable_type = ? AND securable = ?",
      securable.type,
      securable.name,
    );
    this.store.run(
      "DELETE FROM owners WHERE securable_type = ? AND securable = ?",
      securable.type,
      securable.name,
    );
  }
}
