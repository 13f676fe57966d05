import { afterEach, beforeEach, expect, it } from "vitest";
import { ModelSqlError } from "../../src/errors.js";
import { accessChecks } from "../../src/governance/authorization.js";
import { securable } from "../../src/governance/securables.js";
import type { Workspace } from "../../src/workspace.js";
import { temporaryWorkspace } from "../helpers/temporary-workspace.js";

let workspace: Workspace;
let cleanup: () => void;

const customers = securable("TABLE", "main.sales.customers");
const sales = securable("SCHEMA", "main.sales");
const main = securable("CATALOG", "main");
const predict = securable("FUNCTION", "main.ml.predict_churn");

beforeEach(() => {
  ({ workspace, cleanup } = temporaryWorkspace());
  for (const user of ["analyst", "intern", "lead"]) workspace.principals.create(user, "user");
  for (const group of ["analysts", "staff"]) workspace.principals.create(group, "group");
  workspace.principals.addMember("analysts", "analyst");
  workspace.principals.addMember("staff", "analysts");
});
afterEach(() => cleanup());

it("the workspace owner is a user principal and holds every privilege", () => {
  expect(workspace.principals.find("admin")).toEqual({ name: "admin", kind: "user" });
  expect(workspace.authorizer.has("admin", "SELECT", customers)).toBe(true);
  expect(workspace.authorizer.has("admin", "MANAGE", main)).toBe(true);
});

it("nobody else holds anything until granted", () => {
  expect(workspace.authorizer.has("analyst", "SELECT", customers)).toBe(false);
  expect(workspace.authorizer.has("analyst", "USE CATALOG", main)).toBe(false);
});

it("a grant on a schema or catalog applies to the objects below it; USE on the path is separate", () => {
  workspace.grants.grant(sales, "analyst", "SELECT", "admin");
  expect(workspace.authorizer.has("analyst", "SELECT", customers)).toBe(true);
  expect(workspace.authorizer.has("analyst", "SELECT", securable("TABLE", "main.sales.later_table"))).toBe(
    true,
  );
  expect(workspace.authorizer.has("analyst", "SELECT", securable("TABLE", "main.ml.other"))).toBe(false);
  expect(() => workspace.authorizer.require(accessChecks("analyst", "SELECT", customers, "test"))).toThrow(
    "[INSUFFICIENT_PERMISSIONS] User 'analyst' does not have USE CATALOG on CATALOG 'main'",
  );
  workspace.grants.grant(main, "analyst", "USE CATALOG", "admin");
  workspace.grants.grant(main, "analyst", "USE SCHEMA", "admin");
  expect(() =>
    workspace.authorizer.require(accessChecks("analyst", "SELECT", customers, "test")),
  ).not.toThrow();
});

it("groups pass their grants to members, through nested groups", () => {
  workspace.grants.grant(predict, "staff", "EXECUTE", "admin");
  expect(workspace.principals.groupsOf("analyst")).toEqual(["analysts", "staff"]);
  expect(workspace.authorizer.has("analyst", "EXECUTE", predict)).toBe(true);
  expect(workspace.authorizer.has("intern", "EXECUTE", predict)).toBe(false);
  workspace.principals.removeMember("staff", "analysts");
  expect(workspace.authorizer.has("analyst", "EXECUTE", predict)).toBe(false);
});

it("ALL PRIVILEGES holds every privilege; revoking it removes the principal's grants there", () => {
  workspace.grants.grant(customers, "lead", "ALL PRIVILEGES", "admin");
  expect(workspace.authorizer.has("lead", "MODIFY", customers)).toBe(true);
  expect(workspace.authorizer.has("lead", "MANAGE", customers)).toBe(true);
  workspace.grants.grant(customers, "lead", "SELECT", "admin");
  expect(workspace.grants.revoke(customers, "lead", "ALL PRIVILEGES")).toBe(2);
  expect(workspace.authorizer.has("lead", "SELECT", customers)).toBe(false);
});

it("an owner holds every privilege on what it owns and on everything below it", () => {
  workspace.grants.setOwner(sales, "lead");
  expect(workspace.authorizer.has("lead", "SELECT", customers)).toBe(true);
  expect(workspace.authorizer.mayManage("lead", customers)).toBe(true);
  expect(workspace.authorizer.has("lead", "SELECT", securable("TABLE", "main.ml.x"))).toBe(false);
  expect(workspace.authorizer.ownerOf(sales)).toBe("lead");
  expect(workspace.authorizer.ownerOf(customers)).toBe("admin");
});

it("refuses a group that would contain itself, and members that do not exist", () => {
  expect(() => workspace.principals.addMember("analysts", "staff")).toThrow(/contain itself/);
  expect(() => workspace.principals.addMember("staff", "nobody")).toThrow(ModelSqlError);
  expect(() => workspace.principals.addMember("analyst", "intern")).toThrow(/is a user, not a group/);
});
