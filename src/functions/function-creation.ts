import { resolveModelUri } from "../registry/model-uri-resolution.js";
import type { Workspace } from "../workspace.js";
import { bindFunction } from "./function-binding.js";
import type { StoredFunction } from "./function-catalog.js";
import type { FunctionDefinition } from "./function-definition.js";

/**
 * Creates (or replaces) a function after checking that the model version its URI resolves to
 * now can feed and answer it; a definition that does not fit is refused with nothing stored.
 * Later versions are checked again when an alias or stage moves to them.
 */
export async function createFunction(
  workspace: Workspace,
  definition: FunctionDefinition,
  options: { principal: string; replace: boolean },
): Promise<StoredFunction> {
  const version = await resolveModelUri(workspace.registry, definition.model);
  bindFunction(definition, version);
  return workspace.functions.create(definition, options);
}
