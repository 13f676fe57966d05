import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MetadataStore } from "../../src/catalog/metadata-store.js";
import { ApiTokenStore, durationMilliseconds } from "../../src/governance/api-token-store.js";
import { initWorkspace, openWorkspace, type Workspace } from "../../src/workspace.js";
import { runCli } from "../helpers/run-cli.js";

let parent: string;
let workspace: Workspace;
let clock: Date;
let tokens: ApiTokenStore;

beforeEach(() => {
  parent = mkdtempSync(path.join(tmpdir(), "modelsql-tokens-"));
  initWorkspace(path.join(parent, "workspace"), { owner: "admin" });
  workspace = openWorkspace(path.join(parent, "workspace"));
  workspace.principals.create("analyst", "user");
  clock = new Date("2026-11-26T12:00:00Z");
  const store = MetadataStore.open(workspace.paths.metadataDatabase, { create: false });
  tokens = new ApiTokenStore(store, workspace.principals, () => clock);
});
afterEach(() => {
  workspace.close();
  rmSync(parent, { recursive: true, force: true });
});

describe("bearer tokens", () => {
  it("authenticate as their principal; the store keeps only a hash", () => {
    const { token, details } = tokens.create("analyst", { createdBy: "admin", name: "dashboard" });
    expect(token).toMatch(/^msq_[A-Za-z0-9_-]{43}$/);
    expect(tokens.authenticate(token)).toBe("analyst");
    expect(details).toMatchObject({
      principal: "analyst",
      name: "dashboard",
      createdBy: "admin",
      expiresAt: null,
    });
    const stored = MetadataStore.open(workspace.paths.metadataDatabase, { create: false });
    try {
      const rows = stored.all<Record<string, unknown>>("SELECT * FROM api_tokens");
      expect(JSON.stringify(rows)).not.toContain(token.slice(4));
      expect(rows[0]?.token_sha256).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      stored.close();
    }
    expect(tokens.get(details.id).lastUsedAt).toEqual(clock);
  });

  it("refuse unknown, malformed, revoked and expired tokens with one answer", () => {
    const revoked = tokens.create("analyst", { createdBy: "admin" });
    const expiring = tokens.create("analyst", {
      createdBy: "admin",
      expiresAt: new Date(clock.getTime() + 60_000),
    });
    expect(tokens.revoke(revoked.details.id)).toBe(true);
    expect(tokens.revoke(revoked.details.id)).toBe(false);
    expect(tokens.authenticate(expiring.token)).toBe("analyst");
    clock = new Date(clock.getTime() + 60_000);
    const message = /^\[UNAUTHENTICATED\] The bearer token is not valid \(unknown, revoked or expired\)/;
    for (const candidate of [revoked.token, expiring.token, `msq_${"A".repeat(43)}`, "not-a-token", ""]) {
      expect(() => tokens.authenticate(candidate)).toThrow(message);
    }
  });

  it("refuse a principal that does not exist, and an expiry in the past", () => {
    expect(() => tokens.create("nobody", { createdBy: "admin" })).toThrow(
      /There is no user or group 'nobody'/,
    );
    expect(() => tokens.create("analyst", { createdBy: "admin", expiresAt: clock })).toThrow(
      /\[INVALID_PARAMETER_VALUE\] A token's expiry must be in the future/,
    );
    expect(tokens.list()).toEqual([]);
  });

  it("read durations of days, hours and minutes", () => {
    expect(durationMilliseconds("30d")).toBe(30 * 86_400_000);
    expect(durationMilliseconds("12h")).toBe(12 * 3_600_000);
    expect(durationMilliseconds("90m")).toBe(90 * 60_000);
    for (const bad of ["0d", "1w", "-3h", "h", "1.5h"]) expect(durationMilliseconds(bad)).toBeUndefined();
  });
});

describe("modelsql tokens", () => {
  it("create prints the secret once, list never shows it, revoke takes effect", async () => {
    const directory = workspace.paths.directory;
    const created = await runCli(directory, [
      "tokens",
      "create",
      "--principal",
      "analyst",
      "--name",
      "bi",
      "--expires-in",
      "30d",
    ]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^msq_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(
      /^Created token [0-9a-f]{8} for analyst \(active until .*\)\. It is shown this once; keep it secret\.\n$/,
    );
    const listed = await runCli(directory, ["tokens", "list", "--format", "json"]);
    expect(listed.stdout).not.toContain(token);
    const [entry] = JSON.parse(listed.stdout) as { id: string; principal: string; name: string }[];
    expect(entry).toMatchObject({ principal: "analyst", name: "bi" });
    expect(workspace.tokens.authenticate(token)).toBe("analyst");
    const revoked = await runCli(directory, ["tokens", "revoke", entry?.id as string]);
    expect(revoked.stderr).toBe(`Revoked token ${entry?.id}.\n`);
    expect(() => workspace.tokens.authenticate(token)).toThrow(/UNAUTHENTICATED/);
    const bad = await runCli(directory, [
      "tokens",
      "create",
      "--principal",
      "analyst",
      "--expires-in",
      "soon",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^\[INVALID_PARAMETER_VALUE\] --expires-in 'soon' is not a duration/);
  });
});
