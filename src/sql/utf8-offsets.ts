/**
 * DuckDB reports positions in a query (`query_location`, parser error positions, the caret of
 * its error messages) as UTF-8 byte offsets; JavaScript strings index UTF-16 code units. This
 * converts one to the other, so that a name after an `é` is found where it is.
 */
export function indexOfUtf8Offset(text: string, byteOffset: number): number {
  let bytes = 0;
  let index = 0;
  while (index < text.length && bytes < byteOffset) {
    const code = text.codePointAt(index) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    index += code >= 0x10000 ? 2 : 1;
  }
  return index;
}

/** A converter for one text, free when the text is ASCII (bytes and indexes agree). */
export function utf8OffsetConverter(text: string): (byteOffset: number) => number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point.
  if (/^[\x00-\x7f]*$/.test(text)) return (byteOffset) => byteOffset;
  return (byteOffset) => indexOfUtf8Offset(text, byteOffset);
}
