/**
 * Session and operation handles (THandleIdentifier: a 16-byte guid plus a 16-byte secret).
 *
 * The guid must be a valid UUID: the driver turns it into the session/operation id with
 * `uuid.stringify(guid)`, which throws "Stringified UUID is invalid" for bytes that are not an
 * RFC 4122 UUID (verified with driver 2.1.0). So guids are random v4 UUIDs. The stand-in keys its
 * tables by the UUID text and does not check the secret (a loopback test server needs no
 * handle-forgery protection), but sends a random one as Databricks does.
 */
import { randomBytes, randomUUID } from "node:crypto";

export interface HandleIdentifier {
  guid: Buffer;
  secret: Buffer;
}

export function newHandleIdentifier(): { id: string; identifier: HandleIdentifier } {
  const id = randomUUID();
  return { id, identifier: { guid: Buffer.from(id.replaceAll("-", ""), "hex"), secret: randomBytes(16) } };
}

/** The UUID text of a handle the client sent back, or undefined for a malformed handle. */
export function handleId(identifier: { guid?: Buffer | null } | null | undefined): string | undefined {
  const guid = identifier?.guid;
  if (guid?.length !== 16) return undefined;
  const hex = guid.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
