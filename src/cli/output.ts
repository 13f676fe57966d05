import { z } from "zod";

export const OUTPUT_FORMATS = ["table", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const outputFormatSchema = z.enum(OUTPUT_FORMATS);

/** Writes a value as indented JSON, dates as ISO strings. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes rows as an aligned text table with a header; cells are converted with String(). */
export function printTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): void {
  const cells = [columns, ...rows.map((row) => row.map((cell) => (cell == null ? "" : String(cell))))];
  const widths = columns.map((_, index) => Math.max(...cells.map((row) => String(row[index] ?? "").length)));
  const lines = cells.map((row) =>
    row
      .map((cell, index) => String(cell).padEnd(widths[index] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((width) => "-".repeat(width)).join("  "));
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** Writes `label: value` lines with aligned values. */
export function printFields(fields: readonly (readonly [string, unknown])[]): void {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  for (const [label, value] of fields) {
    process.stdout.write(
      `${`${label}:`.padEnd(width)} ${value == null || value === "" ? "-" : String(value)}\n`,
    );
  }
}
