import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Workspace } from "../../src/workspace.js";
import { GRADIENT_BOOSTED_TREES_DIRECTORY, LOGISTIC_REGRESSION_DIRECTORY } from "../helpers/example-data.js";
import { temporaryWorkspace } from "../helpers/temporary-workspace.js";

let workspace: Workspace;
let cleanup: () => void;
const MODEL = "main.ml.churn";

beforeEach(async () => {
  ({ workspace, cleanup } = temporaryWorkspace());
  for (const path of [
    LOGISTIC_REGRESSION_DIRECTORY,
    GRADIENT_BOOSTED_TREES_DIRECTORY,
    LOGISTIC_REGRESSION_DIRECTORY,
  ]) {
    await workspace.registry.registerVersion({ name: MODEL, path, principal: "admin" });
  }
});
afterEach(() => cleanup());

async function stages(): Promise<string[]> {
  return (await workspace.registry.listVersions(MODEL)).map(
    (version) => `${version.version}:${version.stage}`,
  );
}

describe("aliases follow MLflow's rules", () => {
  it("moving an alias points it at the new version only", async () => {
    await workspace.registry.setAlias(MODEL, "champion", 1);
    await workspace.registry.setAlias(MODEL, "champion", 2);
    expect((await workspace.registry.getVersionByAlias(MODEL, "champion")).version).toBe(2);
    expect((await workspace.registry.getVersion(MODEL, 1)).aliases).toEqual([]);
    expect((await workspace.registry.getModel(MODEL)).aliases).toEqual({ champion: 2 });
  });

  it("one version may carry several aliases", async () => {
    await workspace.registry.setAlias(MODEL, "champion", 2);
    await workspace.registry.setAlias(MODEL, "blue-green_2", 2);
    expect((await workspace.registry.getVersion(MODEL, 2)).aliases).toEqual(["blue-green_2", "champion"]);
  });

  it.each([
    ["latest", /'latest' alias name \(case insensitive\) is reserved/],
    ["Latest", /'latest' alias name \(case insensitive\) is reserved/],
    ["v3", /Version alias name 'v3' is reserved/],
    ["V12", /Version alias name 'V12' is reserved/],
    ["champ ion", /Names may only contain alphanumerics, underscores \(_\), and dashes \(-\)/],
    ["champion!", /Names may only contain alphanumerics/],
    ["", /cannot be empty/],
    ["a".repeat(256), /the limit is 255/],
  ])("refuses to set alias %j", async (alias, message) => {
    await expect(workspace.registry.setAlias(MODEL, alias, 1)).rejects.toThrow(message);
    expect((await workspace.registry.getModel(MODEL)).aliases).toEqual({});
  });

  it("allows names that only look close to reserved ones", async () => {
    for (const alias of ["latest2", "v3a", "version3"]) await workspace.registry.setAlias(MODEL, alias, 1);
    expect(Object.keys((await workspace.registry.getModel(MODEL)).aliases).sort()).toEqual([
      "latest2",
      "v3a",
      "version3",
    ]);
  });

  it("refuses an alias to a version that does not exist, changing nothing", async () => {
    await expect(workspace.registry.setAlias(MODEL, "champion", 7)).rejects.toThrow(
      /MODEL_VERSION_NOT_FOUND/,
    );
    expect((await workspace.registry.getModel(MODEL)).aliases).toEqual({});
  });

  it("deleting an alias removes it; deleting a missing one changes nothing", async () => {
    await workspace.registry.setAlias(MODEL, "champion", 1);
    expect(await workspace.registry.deleteAlias(MODEL, "champion")).toBe(true);
    expect(await workspace.registry.deleteAlias(MODEL, "champion")).toBe(false);
    await expect(workspace.registry.getVersionByAlias(MODEL, "champion")).rejects.toThrow(
      /has no alias 'champion'/,
    );
  });
});

describe("legacy stages follow MLflow's rules", () => {
  it("versions start in None and move between stages", async () => {
    expect(await stages()).toEqual(["1:None", "2:None", "3:None"]);
    await workspace.registry.transitionStage(MODEL, 1, "Production", false);
    await workspace.registry.transitionStage(MODEL, 2, "Production", false);
    expect(await stages()).toEqual(["1:Production", "2:Production", "3:None"]);
  });

  it("--archive-existing archives the other versions in the target stage only", async () => {
    await workspace.registry.transitionStage(MODEL, 1, "Production", false);
    await workspace.registry.transitionStage(MODEL, 2, "Staging", false);
    await workspace.registry.transitionStage(MODEL, 3, "Production", true);
    expect(await stages()).toEqual(["1:Archived", "2:Staging", "3:Production"]);
  });

  it("--archive-existing is refused for stages that are not active, changing nothing", async () => {
    await workspace.registry.transitionStage(MODEL, 1, "Production", false);
    await expect(workspace.registry.transitionStage(MODEL, 2, "Archived", true)).rejects.toThrow(
      /cannot archive existing model versions because 'Archived' is not an active stage/,
    );
    expect(await stages()).toEqual(["1:Production", "2:None", "3:None"]);
  });

  it("a missing version is an error", async () => {
    await expect(workspace.registry.transitionStage(MODEL, 4, "Staging", false)).rejects.toThrow(
      /has no version 4 \(its versions: 1, 2, 3\)/,
    );
  });
});
