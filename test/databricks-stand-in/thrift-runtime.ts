/**
 * The Thrift pieces the stand-in needs, taken from the driver's own dependencies.
 *
 * Verified in @databricks/sql 2.1.0: HttpConnection builds its ThriftHttpConnection with
 * `thrift.TBufferedTransport` and `thrift.TBinaryProtocol`, and every RPC is one HTTP POST whose
 * body is one unframed binary-protocol message (Content-Type application/x-thrift); the reply
 * is the same. So the server needs exactly those two classes, plus node-int64's Int64 for i64
 * fields (the generated TCLIService code reads and writes i64 as node-int64 objects).
 *
 * `thrift` is loaded with a require anchored at the driver's package, so the stand-in always uses
 * the same thrift version the driver and its generated TCLIService code were built against
 * (modelsql does not depend on `thrift` directly). Neither `thrift` nor `node-int64` ship type
 * declarations, so the few members used are typed here instead of with `any`.
 */
import { createRequire } from "node:module";
import { thrift as driverThrift } from "@databricks/sql";

/** A node-int64 value (8 bytes, big-endian, in `buffer`). */
export interface Int64Value {
  buffer: Buffer;
  toNumber(allowImprecise?: boolean): number;
}

interface Int64Constructor {
  new (buffer: Buffer): Int64Value;
  new (value: number): Int64Value;
}

/** The thrift transport/protocol objects are only handed to the generated Processor. */
export type ThriftTransport = object;
export type ThriftProtocol = object;

interface BufferedTransportClass {
  new (buffer: undefined, onFlush: (message: Buffer) => void): ThriftTransport;
  receiver(onData: (transport: ThriftTransport) => void): (data: Buffer) => void;
}

interface ThriftModule {
  TBufferedTransport: BufferedTransportClass;
  TBinaryProtocol: new (transport: ThriftTransport) => ThriftProtocol;
  Int64: Int64Constructor;
}

const requireFromHere = createRequire(import.meta.url);
const requireFromDriver = createRequire(requireFromHere.resolve("@databricks/sql"));
const thriftModule = requireFromDriver("thrift") as ThriftModule;

export const Int64 = thriftModule.Int64;

/** The generated service and types, as the driver exports them (`thrift.TCLIService(_types)`). */
export const TCLIService = driverThrift.TCLIService;
export const ttypes = driverThrift.TCLIService_types;

/** The generated code types every i64 as `any` (node-int64 has no types); read it as a number. */
export function int64ToNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "object" && "toNumber" in value && typeof value.toNumber === "function") {
    return (value as Int64Value).toNumber(true);
  }
  return undefined;
}

/** An exact Int64 from a bigint (node-int64 only takes numbers up to 2^53 or a raw buffer). */
export function bigintToInt64(value: bigint): Int64Value {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(BigInt.asIntN(64, value));
  return new Int64(buffer);
}

/**
 * Runs one binary-protocol request message through the generated Processor and resolves with the
 * reply message. The Processor's handler methods may complete asynchronously; the reply is
 * complete when the output transport is flushed (the Processor flushes once per message).
 */
export function processThriftMessage(
  processor: { process(input: ThriftProtocol, output: ThriftProtocol): void },
  request: Buffer,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const output = new thriftModule.TBinaryProtocol(
      new thriftModule.TBufferedTransport(undefined, (message) => resolve(message)),
    );
    const receive = thriftModule.TBufferedTransport.receiver((transport) => {
      try {
        processor.process(new thriftModule.TBinaryProtocol(transport), output);
      } catch (error) {
        // A truncated or malformed message throws while being read.
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    receive(request);
  });
}
