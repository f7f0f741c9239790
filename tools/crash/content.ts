// Self-checking versioned content for the crash test: a header line with the version,
// the payload length and the payload's SHA-256, then the payload (length varies by
// version, so a torn write shows as a length or hash mismatch).
import crypto from 'node:crypto';

export function versionBytes(version: number): Uint8Array {
  const len = 8 + ((version * 7919) % 65536);
  const payload = Buffer.alloc(len, version % 251);
  payload.writeUInt32LE(version >>> 0, 0);
  const hash = crypto.createHash('sha256').update(payload).digest('hex');
  return Buffer.concat([Buffer.from(`vllsi-crash ${version} ${len} ${hash}\n`), payload]);
}

/** The version in `bytes`, or 'torn' when the header, length or hash disagree. */
export function checkVersion(bytes: Uint8Array): number | 'torn' {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nl = buf.indexOf(10);
  const m = nl < 0 ? null : /^vllsi-crash (\d+) (\d+) ([0-9a-f]{64})$/.exec(buf.subarray(0, nl).toString('latin1'));
  if (!m) return 'torn';
  const payload = buf.subarray(nl + 1);
  if (payload.length !== Number(m[2])) return 'torn';
  if (crypto.createHash('sha256').update(payload).digest('hex') !== m[3]) return 'torn';
  return Number(m[1]);
}
