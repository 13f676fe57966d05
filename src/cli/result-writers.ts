import { once } from "node:events";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import type { PlainValue } from "../engines/duckdb/result-values.js";

export const RESULT_FORMATS = ["table", "json", "csv"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** Writes a result as it streams in, batch by batch, so a long result never sits in memory. */
export interface ResultWriter {
  begin(columns: readonly string[]): Promise<void>;
  rows(rows: readonly PlainValue[][]): Promise<void>;
  end(): Promise<void>;
}

async function write(stream: Writable, text: string): Promise<void> {
  if (text !== "" && !stream.write(text)) await once(stream, "drain");
}

function cellText(value: PlainValue): string {
  if (value === null) return "NULL";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Rows whose widths set the table's column widths; later rows keep those widths. */
const TABLE_SAMPLE_ROWS = 1000;

function tableWriter(out: Writable): ResultWriter {
  let columns: readonly string[] = [];
  let widths: number[] = [];
  let pending: string[][] | undefined = [];
  let count = 0;
  const line = (cells: readonly string[]) =>
    `${cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join(" | ")
      .trimEnd()}\n`;
  const flush = async () => {
    if (!pending) return;
    const sample = pending;
    pending = undefined;
    widths = columns.map((name, index) =>
      Math.max(name.length, ...sample.map((row) => (row[index] ?? "").length)),
    );
    await write(out, `${line(columns)}${widths.map((width) => "-".repeat(width)).join("-+-")}\n`);
    await write(out, sample.map(line).join(""));
  };
  return {
    async begin(names) {
      columns = names;
    },
    async rows(rows) {
      count += rows.length;
      const cells = rows.map((row) => row.map(cellText));
      if (pending) {
        pending.push(...cells);
        if (pending.length >= TABLE_SAMPLE_ROWS) await flush();
      } else {
        await write(out, cells.map(line).join(""));
      }
    },
    async end() {
      // A statement with no result (GRANT, REVOKE) prints nothing.
      if (columns.length === 0) return;
      await flush();
      await write(out, `(${count} ${count === 1 ? "row" : "rows"})\n`);
    },
  };
}

function jsonWriter(out: Writable): ResultWriter {
  let columns: readonly string[] = [];
  let first = true;
  return {
    async begin(names) {
      columns = names;
      await write(out, "[");
    },
    async rows(rows) {
      let text = "";
      for (const row of rows) {
        text += `${first ? "\n" : ",\n"}${JSON.stringify(Object.fromEntries(columns.map((name, index) => [name, row[index] ?? null])))}`;
        first = false;
      }
      await write(out, text);
    },
    async end() {
      await write(out, first ? "]\n" : "\n]\n");
    },
  };
}

function csvWriter(out: Writable): ResultWriter {
  const csvCell = (value: PlainValue) =>
    value === null ? "" : typeof value === "object" ? JSON.stringify(value) : value;
  return {
    async begin(names) {
      await write(out, stringify([names as string[]]));
    },
    async rows(rows) {
      if (rows.length > 0) await write(out, stringify(rows.map((row) => row.map(csvCell))));
    },
    async end() {},
  };
}

export function resultWriter(format: ResultFormat, out: Writable): ResultWriter {
  switch (format) {
    case "table":
      return tableWriter(out);
    case "json":
      return jsonWriter(out);
    case "csv":
      return csvWriter(out);
  }
}
