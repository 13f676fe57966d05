import protobuf from "protobufjs/minimal.js";

/**
 * Wire-level protobuf access for ONNX files. Decoding ONNX through a generated schema would drop
 * every field the schema does not know (newer ONNX releases add some), so modelsql reads and
 * edits the wire format directly: what it does not touch is copied byte for byte.
 */

export const WIRE_VARINT = 0;
export const WIRE_LENGTH_DELIMITED = 2;

/** One field occurrence in a message: its number, wire type and where its bytes lie. */
export interface WireField {
  readonly field: number;
  readonly wireType: number;
  /** The whole occurrence, tag included: copy `bytes.subarray(start, end)` to keep it as is. */
  readonly start: number;
  readonly end: number;
  /** The value: the payload of a length-delimited field, else the encoded scalar. */
  readonly valueStart: number;
  readonly valueEnd: number;
}

export function readFields(bytes: Uint8Array): WireField[] {
  const reader = protobuf.Reader.create(bytes);
  const fields: WireField[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    let valueStart = reader.pos;
    if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = reader.uint32();
      valueStart = reader.pos;
      reader.skip(length);
    } else {
      reader.skipType(wireType);
    }
    fields.push({ field, wireType, start, end: reader.pos, valueStart, valueEnd: reader.pos });
  }
  return fields;
}

export function payload(bytes: Uint8Array, field: WireField): Uint8Array {
  return bytes.subarray(field.valueStart, field.valueEnd);
}

export function fieldsNumbered(fields: readonly WireField[], number: number): WireField[] {
  return fields.filter((field) => field.field === number);
}

const utf8 = new TextDecoder("utf-8");

export function stringValue(bytes: Uint8Array, field: WireField): string {
  return utf8.decode(payload(bytes, field));
}

/** The first string in field `number` of a message, or "" (protobuf's default). */
export function stringOf(bytes: Uint8Array, fields: readonly WireField[], number: number): string {
  const found = fields.find((field) => field.field === number);
  return found ? stringValue(bytes, found) : "";
}

/** protobufjs returns int64 as a Long where long.js is present; ONNX's values fit a double. */
function longToNumber(value: unknown): number {
  return typeof value === "number" ? value : Number(String(value));
}

/** All values of a repeated int64 field, packed or not. */
export function int64Values(bytes: Uint8Array, fields: readonly WireField[], number: number): number[] {
  const values: number[] = [];
  for (const field of fieldsNumbered(fields, number)) {
    const reader = protobuf.Reader.create(bytes.subarray(field.valueStart, field.valueEnd));
    if (field.wireType === WIRE_LENGTH_DELIMITED) {
      while (reader.pos < reader.len) values.push(longToNumber(reader.int64()));
    } else if (field.wireType === WIRE_VARINT) {
      values.push(longToNumber(reader.int64()));
    }
  }
  return values;
}

/** Encodes one length-delimited field: tag, length, payload. */
export function encodeMessageField(number: number, value: Uint8Array): Uint8Array {
  return protobuf.Writer.create()
    .uint32((number << 3) | WIRE_LENGTH_DELIMITED)
    .bytes(value)
    .finish();
}

export function encodeStringField(number: number, value: string): Uint8Array {
  return protobuf.Writer.create()
    .uint32((number << 3) | WIRE_LENGTH_DELIMITED)
    .string(value)
    .finish();
}

export function encodeVarintField(number: number, value: number): Uint8Array {
  return protobuf.Writer.create()
    .uint32((number << 3) | WIRE_VARINT)
    .int64(value)
    .finish();
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
