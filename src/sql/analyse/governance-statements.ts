import { ModelSqlError } from "../../errors.js";
import { type Privilege, parsePrivilege } from "../../governance/privileges.js";
import type { SecurableType } from "../../governance/securables.js";
import type { SqlToken } from "../sql-tokens.js";

/**
 * GRANT, REVOKE and SHOW GRANTS in Databricks syntax. modelsql runs these itself against the
 * workspace's grants; DuckDB never sees them.
 *   GRANT priv [, priv ...] ON <type> <name> TO <principal>
 *   REVOKE priv [, priv ...] ON <type> <name> FROM <principal>
 *   SHOW GRANTS [<principal>] ON <type> <name>
 */
export type GovernanceStatement =
  | {
      readonly kind: "grant" | "revoke";
      readonly privileges: readonly Privilege[];
      readonly securableType: SecurableType;
      readonly name: readonly string[];
      readonly principal: string;
    }
  | {
      readonly kind: "show_grants";
      readonly principal: string | undefined;
      readonly securableType: SecurableType;
      readonly name: readonly string[];
    };

const TYPE_WORDS: Readonly<Record<string, SecurableType>> = {
  CATALOG: "CATALOG",
  SCHEMA: "SCHEMA",
  DATABASE: "SCHEMA",
  TABLE: "TABLE",
  VIEW: "TABLE",
  FUNCTION: "FUNCTION",
  MODEL: "MODEL",
};

function syntax(message: string): ModelSqlError {
  return new ModelSqlError("PARSE_SYNTAX_ERROR", message, {
    hint: "GRANT <privilege>[, ...] ON <CATALOG|SCHEMA|TABLE|VIEW|FUNCTION|MODEL> <name> TO <principal>; REVOKE ... FROM <principal>; SHOW GRANTS [<principal>] ON <type> <name>.",
  });
}

const upper = (token: SqlToken | undefined) => (token?.kind === "word" ? token.text.toUpperCase() : "");

function readName(tokens: readonly SqlToken[], start: number): { parts: string[]; next: number } {
  const parts: string[] = [];
  let index = start;
  for (;;) {
    const token = tokens[index];
    if (!token || (token.kind !== "word" && token.kind !== "quoted")) throw syntax("Expected a name");
    parts.push(token.text);
    index += 1;
    if (tokens[index]?.text === ".") index += 1;
    else return { parts, next: index };
  }
}

function readSecurable(
  tokens: readonly SqlToken[],
  start: number,
): { securableType: SecurableType; name: string[]; next: number } {
  if (upper(tokens[start]) !== "ON") throw syntax("Expected ON");
  const securableType = TYPE_WORDS[upper(tokens[start + 1])];
  if (!securableType)
    throw syntax(`Expected a securable type after ON, got '${tokens[start + 1]?.text ?? ""}'`);
  const { parts, next } = readName(tokens, start + 2);
  return { securableType, name: parts, next };
}

function readPrincipal(tokens: readonly SqlToken[], start: number): string {
  const token = tokens[start];
  if (!token || (token.kind !== "word" && token.kind !== "quoted") || start !== tokens.length - 1) {
    throw syntax("Expected one principal at the end");
  }
  return token.text;
}

export function parseGovernanceStatement(tokens: readonly SqlToken[]): GovernanceStatement | undefined {
  const first = upper(tokens[0]);
  if (first === "SHOW" && upper(tokens[1]) === "GRANTS") {
    const hasPrincipal = upper(tokens[2]) !== "ON";
    const principal = hasPrincipal ? tokens[2]?.text : undefined;
    const { securableType, name, next } = readSecurable(tokens, hasPrincipal ? 3 : 2);
    if (next !== tokens.length) throw syntax("Unexpected text after the securable");
    return { kind: "show_grants", principal, securableType, name };
  }
  if (first !== "GRANT" && first !== "REVOKE") return undefined;
  const privileges: Privilege[] = [];
  let index = 1;
  let words: string[] = [];
  for (; index < tokens.length && upper(tokens[index]) !== "ON"; index += 1) {
    const token = tokens[index] as SqlToken;
    if (token.text === ",") {
      privileges.push(parsePrivilege(words.join(" ")));
      words = [];
    } else if (token.kind === "word") {
      words.push(token.text);
    } else {
      throw syntax(`Unexpected '${token.text}' in the privilege list`);
    }
  }
  if (words.length > 0) privileges.push(parsePrivilege(words.join(" ")));
  if (privileges.length === 0) throw syntax("Expected a privilege");
  const { securableType, name, next } = readSecurable(tokens, index);
  const preposition = first === "GRANT" ? "TO" : "FROM";
  if (upper(tokens[next]) !== preposition) throw syntax(`Expected ${preposition}`);
  return {
    kind: first === "GRANT" ? "grant" : "revoke",
    privileges,
    securableType,
    name,
    principal: readPrincipal(tokens, next + 1),
  };
}
