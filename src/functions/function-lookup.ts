import { canonicalThreeLevelName } from "../catalog/three-level-name.js";
import { ModelSqlError } from "../errors.js";
import type { Workspace } from "../workspace.js";
import type { FunctionDefinition } from "./function-definition.js";

/** A function named on the command line: its three-level name, or its last part when only one function has it. */
export function findFunction(workspace: Workspace, name: string): FunctionDefinition {
  if (name.split(".").length === 3)
    return workspace.functions.get(canonicalThreeLevelName(name, "function")).definition;
  const matches = workspace.functions
    .list()
    .filter((stored) => stored.definition.name.split(".").pop() === name.toLowerCase());
  if (matches.length !== 1) {
    throw new ModelSqlError(
      "UNRESOLVED_ROUTINE",
      matches.length === 0
        ? `There is no function ${name}`
        : `${name} is ambiguous: ${matches.map((stored) => stored.definition.name).join(", ")}`,
      {
        hint: "Give the three-level name, as `modelsql functions list` shows it.",
      },
    );
  }
  return (matches[0] as (typeof matches)[number]).definition;
}
