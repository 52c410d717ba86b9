import { canonicalBytes, canonicalJson } from './canonical-json.js';
import { sha256, u32be, u64be, utf8, type Digest } from './bytes.js';

/**
 * The per-stream hash chain: each event's hash binds its stream, its revision, the previous hash,
 * a digest of its header (no personal data) and a salted commitment to its personal payload. Once
 * the payload and salt are destroyed the commitment still stands, so erasure never breaks a chain.
 */

const tag = (name: string) => utf8(`idledger/${name}/v1\u0000`);
const PAYLOAD_TAG = tag('payload');
const HEADER_TAG = tag('header');
const EVENT_TAG = tag('event');

/** What chains into revision 0. */
export const GENESIS_HASH: Digest = new Uint8Array(32);

export const SALT_LENGTH = 32;

/**
 * A salted commitment, never a bare hash: an SSN or a date of birth has so few possible values
 * that its plain SHA-256 is reversed by enumeration.
 */
export const payloadCommitment = (salt: Uint8Array, payload: unknown): Digest => {
  if (salt.length !== SALT_LENGTH) throw new RangeError(`a payload salt is ${SALT_LENGTH} bytes, got ${salt.length}`);
  return sha256(PAYLOAD_TAG, salt, canonicalBytes(payload));
};

export const headerDigest = (header: unknown): Digest => sha256(HEADER_TAG, canonicalBytes(header));

export interface ChainLink {
  readonly streamId: string;
  readonly revision: bigint;
  readonly previous: Digest;
  readonly headerDigest: Digest;
  readonly payloadCommitment: Digest;
}

export const eventHash = (link: ChainLink): Digest => {
  const stream = utf8(link.streamId);
  return sha256(EVENT_TAG, u32be(stream.length), stream, u64be(link.revision), link.previous, link.headerDigest, link.payloadCommitment);
};

/** The Merkle leaf of one event: its place in the global order, its stream and revision, and its chain hash. */
export const leafData = (position: bigint, streamId: string, revision: bigint, hashHex: string): Uint8Array =>
  utf8(canonicalJson({ g: position.toString(), s: streamId, v: revision.toString(), h: hashHex }));
