import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";

/** A row of an MLflow input example: column name to JSON value. */
export type ExampleRow = Readonly<Record<string, unknown>>;

/**
 * The input example an MLflow model directory carries (MLmodel's saved_input_example_info), as
 * rows. MLflow writes a DataFrame in pandas' "split" orient ({columns, data}) or as records;
 * anything else (tensor examples, a missing file) gives no rows: the example is a hint for
 * sampling, never required.
 */
export function readInputExample(artifactDirectory: string): ExampleRow[] {
  try {
    const mlmodel = path.join(artifactDirectory, "MLmodel");
    if (!existsSync(mlmodel)) return [];
    const document = parseYaml(readFileSync(mlmodel, "utf8")) as {
      saved_input_example_info?: { artifact_path?: string };
    };
    const file = document?.saved_input_example_info?.artifact_path;
    if (typeof file !== "string" || file.includes("..")) return [];
    // Python's json writes NaN and Infinity bare; as values they are missing here.
    const text = readFileSync(path.join(artifactDirectory, file), "utf8").replace(
      /([[,:]\s*)(?:-?Infinity|NaN)(?=\s*[,\]}])/g,
      "$1null",
    );
    const example = JSON.parse(text) as unknown;
    const split = (example as { dataframe_split?: unknown }).dataframe_split ?? example;
    if (split && typeof split === "object" && "columns" in split && "data" in split) {
      const { columns, data } = split as { columns: string[]; data: unknown[][] };
      return data.map((values) =>
        Object.fromEntries(columns.map((column, index) => [column, values[index]])),
      );
    }
    if (Array.isArray(example))
      return example.filter((row): row is ExampleRow => typeof row === "object" && row !== null);
    return [];
  } catch {
    return [];
  }
}
