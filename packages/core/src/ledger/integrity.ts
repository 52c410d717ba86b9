import { randomBytes } from 'node:crypto';
import { GENESIS_HASH, SALT_LENGTH, eventHash, fromHex, headerDigest, payloadCommitment, toHex } from '@idledger/integrity';
import type { Envelope, EventMetadata, Integrity } from './envelope.js';
import type { JsonValue } from './event-store/port.js';

/**
 * Each stream's hash chain (see @idledger/integrity): an event's hash binds its stream, revision
 * and predecessor, a digest of its header, and a salted commitment to its personal payload. The
 * header holds no personal data: the envelope and the event's data in its redacted form. The
 * payload, when there is one, is the original data, sealed beside its salt; erasing it leaves the
 * commitment, so the chain verifies before and after redaction alike.
 */

export const GENESIS = toHex(GENESIS_HASH);

/** Where the next event of a stream goes: its revision and the hash it chains onto. */
export interface ChainPosition {
  readonly revision: bigint;
  readonly previous: string;
}

export const CHAIN_START: ChainPosition = { revision: 0n, previous: GENESIS };

export const nextInChain = (last: Pick<Envelope, 'revision' | 'integrity'>): ChainPosition => ({
  revision: last.revision + 1n,
  previous: last.integrity?.hash ?? GENESIS,
});

/** The header hashed into the chain: what a stored event holds in clear, minus the chain itself. */
export interface EventHeaderFields {
  readonly eventId: string;
  readonly type: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly metadata: Omit<EventMetadata, 'integrity'>;
  /** The event's data with personal values replaced (its stored clear form). */
  readonly publicData: JsonValue;
}

export const eventHeader = (fields: EventHeaderFields): JsonValue => ({
  v: 1,
  event_id: fields.eventId,
  type: fields.type,
  stream: fields.stream,
  revision: fields.revision.toString(),
  metadata: fields.metadata as unknown as JsonValue,
  data: fields.publicData,
});

/** Events without personal data commit to `null` under an all-zero salt: nothing to erase, nothing to hide. */
export const NO_PAYLOAD_SALT = new Uint8Array(SALT_LENGTH);

export const newPayloadSalt = (): Uint8Array => new Uint8Array(randomBytes(SALT_LENGTH));

export const chainLink = (
  header: JsonValue,
  position: ChainPosition,
  payload: { readonly salt: Uint8Array; readonly data: JsonValue } | null,
  stream: string,
): Integrity => {
  const commitment = payload === null ? payloadCommitment(NO_PAYLOAD_SALT, null) : payloadCommitment(payload.salt, payload.data);
  const previous = fromHex(position.previous);
  if (previous === undefined || previous.length !== 32) throw new TypeError(`chain: previous hash '${position.previous}' is not 32 hex bytes`);
  const hash = eventHash({ streamId: stream, revision: position.revision, previous, headerDigest: headerDigest(header), payloadCommitment: commitment });
  return { v: 1, commitment: toHex(commitment) as Integrity['commitment'], hash: toHex(hash) as Integrity['hash'] };
};
