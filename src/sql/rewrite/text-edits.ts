/** A replacement of text[start, end) in an original SQL text. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

/** The result of splicing edits into a text, with a map from new offsets back to old ones. */
export interface EditedText {
  readonly text: string;
  originalOffset(editedOffset: number): number;
  editedOffset(originalOffset: number): number;
}

/**
 * Splices non-overlapping edits into the text and leaves every other character as the analyst
 * wrote it (ARCHITECTURE.md: rewrite by splicing, never by regenerating the query).
 */
export function applyEdits(original: string, edits: readonly TextEdit[]): EditedText {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let text = "";
  let cursor = 0;
  const shifts: {
    editedStart: number;
    editedEnd: number;
    originalStart: number;
    originalEnd: number;
    delta: number;
  }[] = [];
  let delta = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw new Error("overlapping SQL edits");
    text += original.slice(cursor, edit.start);
    const editedStart = text.length;
    text += edit.replacement;
    delta += edit.replacement.length - (edit.end - edit.start);
    shifts.push({
      editedStart,
      editedEnd: text.length,
      originalStart: edit.start,
      originalEnd: edit.end,
      delta,
    });
    cursor = edit.end;
  }
  text += original.slice(cursor);
  return {
    text,
    originalOffset(editedOffset: number): number {
      let shift = 0;
      for (const entry of shifts) {
        if (editedOffset < entry.editedStart) break;
        if (editedOffset < entry.editedEnd) return entry.originalStart;
        shift = entry.delta;
      }
      return editedOffset - shift;
    },
    editedOffset(originalOffset: number): number {
      let shift = 0;
      for (const entry of shifts) {
        if (originalOffset < entry.originalStart) break;
        if (originalOffset < entry.originalEnd) return entry.editedStart;
        shift = entry.delta;
      }
      return originalOffset + shift;
    },
  };
}
