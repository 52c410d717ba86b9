import { createHash } from 'node:crypto';

/** A SHA-256 digest: 32 bytes. */
export type Digest = Uint8Array;

export const sha256 = (...parts: ReadonlyArray<Uint8Array>): Digest => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export const u32be = (value: number): Uint8Array => {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`u32be: ${value} out of range`);
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};

export const u64be = (value: bigint): Uint8Array => {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new RangeError(`u64be: ${value} out of range`);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value);
  return bytes;
};

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Strict: an odd length or a non-hex character is refused rather than silently truncated. */
export const fromHex = (hex: string): Uint8Array | undefined =>
  /^(?:[0-9a-f]{2})*$/i.test(hex) ? new Uint8Array(Buffer.from(hex, 'hex')) : undefined;

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Strict standard base64 with padding, as signed notes use; anything else is refused. */
export const fromBase64 = (text: string): Uint8Array | undefined => {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
};

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, index) => byte === b[index]);

export const concatBytes = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};
