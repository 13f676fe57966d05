/**
 * A throw-away self-signed TLS certificate for the loopback stand-in, built with node:crypto only.
 *
 * Why hand-built: the stock driver hard-codes `https` (DBSQLClient.getConnectionOptions sets
 * `https: true`), so the stand-in must serve TLS, and Node can sign but not issue certificates.
 * Encoding the few DER structures of an X.509 v3 certificate here avoids a new dependency (or
 * shelling out to `openssl`). Verified: Node's `X509Certificate` parses the result, its signature
 * checks against the key, and the driver connects with `customCaCert: certPem` and default
 * certificate checking (see connection.test.ts).
 *
 * The certificate is its own CA (basicConstraints cA=TRUE) so it can be the trust anchor the
 * driver appends to its CA list, and it names 127.0.0.1 and localhost as subject alternative
 * names, which is what TLS hostname verification checks.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

export interface SelfSignedCertificate {
  certPem: string;
  keyPem: string;
}

/** DER tag-length-value. */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const length = body.length;
  let header: Buffer;
  if (length < 0x80) {
    header = Buffer.from([tag, length]);
  } else {
    const lengthBytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256);
    header = Buffer.from([tag, 0x80 | lengthBytes.length, ...lengthBytes]);
  }
  return Buffer.concat([header, body]);
}

const sequence = (...items: Buffer[]): Buffer => der(0x30, ...items);
const set = (...items: Buffer[]): Buffer => der(0x31, ...items);
const utf8String = (text: string): Buffer => der(0x0c, Buffer.from(text, "utf8"));
const octetString = (bytes: Buffer): Buffer => der(0x04, bytes);
/** BIT STRING with no unused bits, as used for signatures. */
const bitString = (bytes: Buffer): Buffer => der(0x03, Buffer.from([0]), bytes);
/** Context-specific, constructed ([n] EXPLICIT). */
const explicit = (n: number, inner: Buffer): Buffer => der(0xa0 | n, inner);

function integer(bytes: Buffer): Buffer {
  // DER INTEGER is two's complement: a leading 1 bit would make it negative.
  const first = bytes[0] ?? 0;
  return der(0x02, first & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes: number[] = [first * 40 + second];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      base128.unshift(0x80 | (value & 0x7f));
    }
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ), valid for years 1950-2049 as X.509 requires. */
function utcTime(date: Date): Buffer {
  const two = (n: number): string => String(n).padStart(2, "0");
  const text =
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    "Z";
  return der(0x17, Buffer.from(text, "ascii"));
}

function toPem(label: string, body: Buffer): string {
  const base64 = body.toString("base64").replace(/(.{64})/g, "$1\n");
  return `-----BEGIN ${label}-----\n${base64.trimEnd()}\n-----END ${label}-----\n`;
}

const OID = {
  commonName: "2.5.4.3",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
} as const;

/** Creates a P-256 key and a certificate for `commonName`, valid from a day ago for `validDays`. */
export function createSelfSignedCertificate(commonName: string, validDays = 30): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const name = sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))));
  const now = Date.now();
  const day = 24 * 60 * 60 * 1000;
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01; // positive and without a redundant leading zero

  const subjectAltName = sequence(
    der(0x87, Buffer.from([127, 0, 0, 1])), // [7] iPAddress
    der(0x82, Buffer.from("localhost", "ascii")), // [2] dNSName
  );
  const basicConstraints = sequence(der(0x01, Buffer.from([0xff]))); // cA TRUE
  const extensions = explicit(
    3,
    sequence(
      sequence(objectIdentifier(OID.subjectAltName), octetString(subjectAltName)),
      sequence(objectIdentifier(OID.basicConstraints), octetString(basicConstraints)),
    ),
  );

  const tbsCertificate = sequence(
    explicit(0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    signatureAlgorithm,
    name, // issuer
    sequence(utcTime(new Date(now - day)), utcTime(new Date(now + validDays * day))),
    name, // subject
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const signature = sign("sha256", tbsCertificate, { key: privateKey, dsaEncoding: "der" });
  const certificate = sequence(tbsCertificate, signatureAlgorithm, bitString(signature));

  return {
    certPem: toPem("CERTIFICATE", certificate),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}
