/**
 * References found in DuckDB's own parse tree of a query (`json_serialize_sql`), the faithful
 * parser for what DuckDB will run (FINDINGS.md). Offsets are into the query text as given.
 */
export interface NameReference {
  /**
   * `table`: a table or view read. `cte`: a name a WITH clause in scope defines, not a table.
   * `function`: a scalar, aggregate or window function call. `table_function`: a function in
   * FROM (read_csv, range, ...). `column`: a column named with its catalog (four parts).
   */
  readonly kind: "table" | "cte" | "function" | "table_function" | "column";
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

interface Scope {
  /** CTE names visible here, lower case. */
  readonly ctes: ReadonlySet<string>;
  readonly enclosingFunctions: readonly string[];
  /** True for the FUNCTION node a TABLE_FUNCTION holds. */
  readonly inTableFunction: boolean;
}

function referenceOf(node: JsonNode, scope: Scope): NameReference | undefined {
  const location = node.query_location;
  if (typeof location !== "number") return undefined;
  const enclosingFunctions = scope.enclosingFunctions;
  if (node.type === "BASE_TABLE") {
    const catalog = String(node.catalog_name ?? "");
    const schema = String(node.schema_name ?? "");
    const name = String(node.table_name ?? "");
    const isCte = catalog === "" && schema === "" && scope.ctes.has(name.toLowerCase());
    return { kind: isCte ? "cte" : "table", catalog, schema, name, location, enclosingFunctions };
  }
  if (node.type === "SHOW_REF") {
    // SHOW, DESCRIBE or SUMMARIZE used as a table: a catalog read like a table function's.
    return { kind: "table_function", catalog: "", schema: "", name: "show", location, enclosingFunctions };
  }
  if (typeof node.function_name === "string") {
    return {
      kind: scope.inTableFunction ? "table_function" : "function",
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

interface CteEntry {
  readonly name: string;
  readonly body: unknown;
}

/** The CTEs a node's WITH clause defines, in order. */
function cteEntries(node: JsonNode): CteEntry[] {
  const map = (node.cte_map as { map?: { key?: unknown; value?: unknown }[] } | undefined)?.map;
  return Array.isArray(map)
    ? map.map((entry) => ({ name: String(entry.key ?? "").toLowerCase(), body: entry.value }))
    : [];
}

function withCtes(scope: Scope, names: readonly string[]): Scope {
  return names.length === 0 ? scope : { ...scope, ctes: new Set([...scope.ctes, ...names]) };
}

/**
 * Every table, CTE, function, table function and fully qualified column reference in a
 * serialized parse tree, in text order. CTE scoping follows DuckDB (checked on 1.5.6): the
 * query of a WITH sees all its names; a CTE's body sees the CTEs before it but not itself, so
 * `WITH t AS (SELECT * FROM t)` reads the table t; a recursive CTE (RECURSIVE_CTE_NODE) sees
 * itself in its recursive part but not in its anchor (its first part), where the name is the
 * table. Where in doubt a name counts as a table, whose privileges are then checked.
 */
export function collectReferences(tree: unknown): NameReference[] {
  const found: NameReference[] = [];
  const visit = (value: unknown, scope: Scope): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, scope);
      return;
    }
    if (!isNode(value)) return;
    const entries = cteEntries(value);
    const recursiveName =
      value.type === "RECURSIVE_CTE_NODE" && typeof value.cte_name === "string"
        ? [value.cte_name.toLowerCase()]
        : [];
    const here = withCtes(scope, [...entries.map((entry) => entry.name), ...recursiveName]);
    const reference = referenceOf(value, here);
    if (reference) found.push(reference);
    const inner: Scope = {
      ...here,
      inTableFunction: false,
      enclosingFunctions:
        reference?.kind === "function" || reference?.kind === "table_function"
          ? [...here.enclosingFunctions, reference.name.toLowerCase()]
          : here.enclosingFunctions,
    };
    entries.forEach((entry, index) => {
      const before = entries.slice(0, index).map((earlier) => earlier.name);
      visit(entry.body, {
        ...withCtes(scope, [...before, ...recursiveName]),
        enclosingFunctions: inner.enclosingFunctions,
        inTableFunction: false,
      });
    });
    for (const [key, child] of Object.entries(value)) {
      if (key === "cte_map") continue;
      if (key === "left" && recursiveName.length > 0) {
        // A recursive CTE's anchor does not see the CTE: its name there is the table of that name.
        visit(child, {
          ...inner,
          ctes: withCtes(
            scope,
            entries.map((entry) => entry.name),
          ).ctes,
        });
        continue;
      }
      visit(
        child,
        value.type === "TABLE_FUNCTION" && key === "function" ? { ...inner, inTableFunction: true } : inner,
      );
    }
  };
  visit(tree, { ctes: new Set(), enclosingFunctions: [], inTableFunction: false });
  return found.sort((a, b) => a.location - b.location);
}
