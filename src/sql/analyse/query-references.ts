/**
 * References found in DuckDB's own parse tree of a query (`json_serialize_sql`), the faithful
 * parser for what DuckDB will run (FINDINGS.md). Offsets are into the query text as given.
 */
export interface NameReference {
  readonly kind: "table" | "function" | "column";
  /** The catalog as written, or "" when the name does not give one. */
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  /** Offset of the reference's first name part in the query text. */
  readonly location: number;
  /** For functions: how many arguments the call has. */
  readonly argumentCount?: number;
  /** The functions whose arguments this reference is inside, outermost first, lower case. */
  readonly enclosingFunctions: readonly string[];
}

type JsonNode = Record<string, unknown>;

function isNode(value: unknown): value is JsonNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function referenceOf(node: JsonNode, enclosingFunctions: readonly string[]): NameReference | undefined {
  const location = node.query_location;
  if (typeof location !== "number") return undefined;
  if (node.type === "BASE_TABLE") {
    return {
      kind: "table",
      catalog: String(node.catalog_name ?? ""),
      schema: String(node.schema_name ?? ""),
      name: String(node.table_name ?? ""),
      location,
      enclosingFunctions,
    };
  }
  if (typeof node.function_name === "string") {
    return {
      kind: "function",
      catalog: String(node.catalog ?? ""),
      schema: String(node.schema ?? ""),
      name: node.function_name,
      location,
      argumentCount: Array.isArray(node.children) ? node.children.length : 0,
      enclosingFunctions,
    };
  }
  if (node.type === "COLUMN_REF" && Array.isArray(node.column_names) && node.column_names.length === 4) {
    const [catalog, schema, table] = node.column_names as string[];
    return {
      kind: "column",
      catalog: catalog ?? "",
      schema: schema ?? "",
      name: table ?? "",
      location,
      enclosingFunctions,
    };
  }
  return undefined;
}

/** Every table, function and fully qualified column reference in a serialized parse tree. */
export function collectReferences(tree: unknown): NameReference[] {
  const found: NameReference[] = [];
  const visit = (value: unknown, enclosing: readonly string[]): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, enclosing);
    } else if (isNode(value)) {
      const reference = referenceOf(value, enclosing);
      if (reference) found.push(reference);
      const inner = reference?.kind === "function" ? [...enclosing, reference.name.toLowerCase()] : enclosing;
      for (const child of Object.values(value)) visit(child, inner);
    }
  };
  visit(tree, []);
  return found.sort((a, b) => a.location - b.location);
}
