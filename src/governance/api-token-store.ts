import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { MetadataStore } from "../catalog/metadata-store.js";
import { ModelSqlError } from "../errors.js";
import type { PrincipalStore } from "./principal-store.js";

/** A token as listed: never its secret, which is shown once when it is created. */
export interface ApiToken {
  readonly id: string;
  readonly principal: string;
  readonly name: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

interface TokenRow {
  id: string;
  principal: string;
  token_sha256: string;
  name: string | null;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** Tokens read `msq_` and 43 base64url characters: 256 random bits. */
const TOKEN_PREFIX = "msq_";
const TOKEN_SHAPE = /^msq_[A-Za-z0-9_-]{43}$/;

/**
 * A SHA-256 of the token: the token is 256 random bits, so a fast hash is enough (nothing to
 * guess from it), and the store never holds a usable secret.
 */
function digest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function asToken(row: TokenRow): ApiToken {
  const date = (value: number | null) => (value === null ? null : new Date(value));
  return {
    id: row.id,
    principal: row.principal,
    name: row.name,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    expiresAt: date(row.expires_at),
    revokedAt: date(row.revoked_at),
    lastUsedAt: date(row.last_used_at),
  };
}

function unauthenticated(): ModelSqlError {
  // One answer for unknown, revoked and expired tokens: a caller learns nothing about which.
  return new ModelSqlError("UNAUTHENTICATED", "The bearer token is not valid (unknown, revoked or expired)", {
    hint: "Ask the workspace owner for a token: `modelsql tokens create --principal <name>`.",
  });
}

/**
 * Bearer tokens for HTTP clients: each acts as one principal, so every grant applies to what it
 * does. Kept in the workspace's metadata store, shared by every process.
 */
const LAST_USE_RESOLUTION_MS = 60_000;

export class ApiTokenStore {
  constructor(
    private readonly store: MetadataStore,
    private readonly principals: PrincipalStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a token for `principal`; the returned secret is not stored and cannot be shown again. */
  create(
    principal: string,
    options: { createdBy: string; name?: string; expiresAt?: Date },
  ): { token: string; details: ApiToken } {
    this.principals.get(principal);
    const created = this.now();
    if (options.expiresAt && options.expiresAt.getTime() <= created.getTime()) {
      throw new ModelSqlError("INVALID_PARAMETER_VALUE", "A token's expiry must be in the future", {
        hint: "Give --expires-in a positive duration such as 30d or 12h.",
      });
    }
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const id = randomBytes(4).toString("hex");
    this.store.writeTransaction(() =>
      this.store.run(
        `INSERT INTO api_tokens (id, principal, token_sha256, name, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        id,
        principal,
        digest(token),
        options.name ?? null,
        options.createdBy,
        created.getTime(),
        options.expiresAt?.getTime() ?? null,
      ),
    );
    return { token, details: this.get(id) };
  }

  get(id: string): ApiToken {
    const row = this.store.get<TokenRow>("SELECT * FROM api_tokens WHERE id = ?", id);
    if (!row) {
      throw new ModelSqlError("INVALID_PARAMETER_VALUE", `There is no token with id '${id}'`, {
        hint: "See `modelsql tokens list`.",
      });
    }
    return asToken(row);
  }

  list(): ApiToken[] {
    return this.store.all<TokenRow>("SELECT * FROM api_tokens ORDER BY created_at, id").map(asToken);
  }

  /** Revokes a token at once, for every process; returns false if it was already revoked. */
  revoke(id: string): boolean {
    this.get(id);
    return this.store.writeTransaction(
      () =>
        this.store.run(
          "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
          this.now().getTime(),
          id,
        ).changes > 0,
    );
  }

  /**
   * The principal a bearer token acts as, or UNAUTHENTICATED. The lookup is by the token's hash;
   * the hashes are compared again in constant time.
   */
  authenticate(token: string): string {
    if (!TOKEN_SHAPE.test(token)) throw unauthenticated();
    const hash = digest(token);
    const row = this.store.get<TokenRow>("SELECT * FROM api_tokens WHERE token_sha256 = ?", hash);
    if (!row || !timingSafeEqual(Buffer.from(row.token_sha256, "hex"), Buffer.from(hash, "hex")))
      throw unauthenticated();
    const at = this.now().getTime();
    if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= at)) throw unauthenticated();
    if (!this.principals.find(row.principal)) throw unauthenticated();
    // Last use is kept to the minute: a write per request would put the metadata store's
    // write lock on every invocation's path.
    if (row.last_used_at !== null && at - row.last_used_at < LAST_USE_RESOLUTION_MS) return row.principal;
    try {
      this.store.writeTransaction(() =>
        this.store.run("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", at, row.id),
      );
    } catch {
      // A busy store does not stop a request; last use is informational.
    }
    return row.principal;
  }
}

/** `30d`, `12h`, `90m` as milliseconds; undefined when the text is not such a duration. */
export function durationMilliseconds(text: string): number | undefined {
  const match = /^(\d+)([dhm])$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as "d" | "h" | "m"];
  const value = Number(match[1]) * unit;
  return value > 0 ? value : undefined;
}
