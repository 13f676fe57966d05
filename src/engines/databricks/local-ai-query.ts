import { ModelSqlError } from "../../errors.js";
import type { FunctionBinding } from "../../functions/function-binding.js";
import type { FunctionDefinition } from "../../functions/function-definition.js";
import { DATABRICKS } from "../../sql/dialects/databricks-dialect.js";
import { tokenizeDialect } from "../../sql/dialects/dialect-tokens.js";
import { DUCKDB } from "../../sql/dialects/duckdb-dialect.js";
import { buildTokenTree, isGroup, type SqlNode } from "../../sql/dialects/token-tree.js";
import type {
  CallSite,
  TranslatedArgument,
  TranslationHooks,
} from "../../sql/rewrite/dialect-translation.js";
import { readDottedName } from "../../sql/rewrite/function-call-translation.js";
import { returnTypeOf } from "./prediction-pushdown.js";
import { routingOf } from "./serving-endpoint.js";

/** What a deployment recorded for an endpoint: the version it was set to serve. */
export interface DeployedEndpoint {
  readonly endpoint: string;
  readonly functionName: string;
  readonly modelName: string;
  readonly version: number;
}

function literalOf(argument: TranslatedArgument | undefined): string | undefined {
  const node = argument?.nodes.length === 1 ? argument.nodes[0] : undefined;
  return node && node.kind === "string" ? node.value : undefined;
}

/** The key/value pairs of a `named_struct('k', v, ...)` request, or undefined for any other expression. */
function namedStructFields(
  argument: TranslatedArgument,
  translateNodes: (nodes: readonly SqlNode[]) => string,
) {
  const name = readDottedName(argument.nodes, 0);
  if (name?.parts.length !== 1 || name.parts[0]?.toLowerCase() !== "named_struct") return undefined;
  const group = argument.nodes[name.next];
  if (!isGroup(group, "(")) return undefined;
  if (name.next + 1 !== argument.nodes.length) return undefined;
  const fields = new Map<string, string>();
  const parts: SqlNode[][] = [[]];
  for (const node of group.children) {
    if (node.kind === "symbol" && node.text === ",") parts.push([]);
    else (parts[parts.length - 1] as SqlNode[]).push(node);
  }
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const key = parts[i] as SqlNode[];
    if (key.length !== 1 || key[0]?.kind !== "string") return undefined;
    const name = key[0].value.toLowerCase();
    if (fields.has(name)) {
      throw new ModelSqlError(
        "DATATYPE_MISMATCH",
        `The ai_query request names the field '${key[0].value}' twice`,
      );
    }
    fields.set(name, translateNodes(parts[i + 1] as SqlNode[]));
  }
  return fields;
}

/**
 * Runs `ai_query('<endpoint>', ...)` locally when the endpoint is one this workspace deploys:
 * the call becomes the endpoint's function, with the request's fields passed as its parameters
 * (by model input name), scored by the same model version the endpoint serves. An endpoint the
 * workspace does not know, a returnType other than the function's, or an endpoint serving
 * another version than the function resolves to now are refused with the reason.
 */
export function localAiQueryHook(
  definitions: readonly FunctionDefinition[],
  bindingOf: (functionName: string) => FunctionBinding | undefined,
  deployed: readonly DeployedEndpoint[],
): TranslationHooks["call"] {
  return (site: CallSite, translation) => {
    if (site.nameParts.length !== 1 || site.nameParts[0]?.toLowerCase() !== "ai_query") return undefined;
    const fail = (detail: string, hint?: string) => translation.unsupported(site.start, detail, hint);
    const positional = site.arguments.filter((argument) => !argument.name);
    const named = (key: string) => site.arguments.find((argument) => argument.name?.toLowerCase() === key);
    const endpoint = literalOf(positional[0] ?? named("endpoint"));
    if (endpoint === undefined) throw fail("ai_query() without a literal endpoint name");
    const definition = definitions.find((candidate) => routingOf(candidate).endpoint === endpoint);
    if (!definition) {
      throw fail(
        `ai_query() on the endpoint '${endpoint}', which no function of this workspace deploys,`,
        `Known endpoints: ${definitions.map((candidate) => routingOf(candidate).endpoint).join(", ") || "none"}.`,
      );
    }
    const binding = bindingOf(definition.name);
    if (!binding) {
      throw new ModelSqlError(
        "UNRESOLVED_ROUTINE",
        `${definition.name} (endpoint '${endpoint}') has no model version to score with`,
      );
    }
    const record = deployed.find((entry) => entry.endpoint === endpoint);
    if (record && record.version !== binding.version.version) {
      throw new ModelSqlError(
        "DEPLOYMENT_OUT_OF_DATE",
        `The endpoint '${endpoint}' was deployed to serve ${record.modelName} version ${record.version}, but ${definition.model} is version ${binding.version.version} now`,
        { hint: "Run `modelsql deploy --target databricks` to move the endpoint to the new version." },
      );
    }
    const returnTypeText = literalOf(named("returntype") ?? positional[2]);
    const expected = DATABRICKS.sqlType(returnTypeOf(binding));
    if (returnTypeText !== undefined) {
      const tokens = tokenizeDialect(returnTypeText, DATABRICKS);
      const tree = buildTokenTree(returnTypeText, tokens, DATABRICKS.displayName);
      const read = DATABRICKS.readType(tree, 0, returnTypeText);
      if (DATABRICKS.sqlType(read.type) !== expected) {
        throw new ModelSqlError(
          "DATATYPE_MISMATCH",
          `ai_query() on '${endpoint}' asks for returnType ${returnTypeText}, but the endpoint answers ${expected} (${definition.name})`,
          { hint: `Write returnType => '${expected}'.` },
        );
      }
    }
    const request = named("request") ?? positional[1];
    if (!request) throw fail("ai_query() without a request");
    const fields = namedStructFields(request, (nodes) => translation.render(nodes));
    if (fields) {
      const inputs = new Set(binding.inputs.map((input) => input.parameter.input.toLowerCase()));
      const extra = [...fields.keys()].find((field) => !inputs.has(field));
      if (extra !== undefined) {
        throw new ModelSqlError(
          "DATATYPE_MISMATCH",
          `The request to '${endpoint}' has a field '${extra}' that is not an input of ${binding.version.name} version ${binding.version.version}`,
        );
      }
    }
    const values = binding.inputs.map((input) => {
      const key = input.parameter.input;
      if (fields) {
        const value = fields.get(key.toLowerCase());
        if (value === undefined) {
          throw new ModelSqlError(
            "DATATYPE_MISMATCH",
            `The request to '${endpoint}' has no field '${key}', an input of ${binding.version.name} version ${binding.version.version}`,
          );
        }
        return value;
      }
      return `(${request.text}).${DUCKDB.quoteIdentifier(key)}`;
    });
    return `${definition.name}(${values.join(", ")})`;
  };
}
