import { describe, expect, it } from "vitest";
import { canonicalThreeLevelName, parseThreeLevelName } from "../../src/catalog/three-level-name.js";
import { resolveWorkspaceDirectory } from "../../src/catalog/workspace-location.js";

describe("three-level names", () => {
  it.each([
    ["main.ml.churn", "main.ml.churn"],
    ["Main.ML.Churn", "main.ml.churn"],
    ["`main`.`ml`.`churn`", "main.ml.churn"],
    ["`my-catalog`.ml.churn_v2", "`my-catalog`.ml.churn_v2"],
    ["  main.ml.churn ", "main.ml.churn"],
  ])("%s is %s", (text, canonical) => {
    expect(canonicalThreeLevelName(text, "model")).toBe(canonical);
  });

  it.each([
    "churn",
    "ml.churn",
    "a.b.c.d",
    "main..churn",
    "main.ml.",
    "main.ml.churn-v2",
    "`a.b`.ml.churn",
    "`main.ml.churn",
    "main.ml.`a b`",
  ])("refuses %j", (text) => {
    expect(() => parseThreeLevelName(text, "model")).toThrow(
      /^\[INVALID_PARAMETER_VALUE\] '.*' is not a valid model name/,
    );
  });
});

describe("workspace location", () => {
  it("prefers --workspace, then MODELSQL_WORKSPACE, then ./.modelsql", () => {
    expect(resolveWorkspaceDirectory("ws", { MODELSQL_WORKSPACE: "/env" }, "/home/a")).toBe("/home/a/ws");
    expect(resolveWorkspaceDirectory(undefined, { MODELSQL_WORKSPACE: "/env" }, "/home/a")).toBe("/env");
    expect(resolveWorkspaceDirectory(undefined, {}, "/home/a")).toBe("/home/a/.modelsql");
  });
});
