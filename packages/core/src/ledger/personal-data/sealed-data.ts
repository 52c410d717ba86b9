import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { JsonValue } from '../event-store/port.js';
import type { DataKey, KeyStore, KeyStoreError } from './key-store.js';

/**
 * How personal data is stored: the event's data with every personal value replaced by redaction's
 * placeholders, plus the whole original sealed with AES-256-GCM under the subject's data key. The
 * event id is the associated data, so a ciphertext cannot be moved onto another event.
 */

export const SEALED_FIELD = '$sealed';

export const SealedC = t.type({ kid: t.string, alg: t.literal('A256GCM'), iv: t.string, ct: t.string });
export type Sealed = t.TypeOf<typeof SealedC>;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export const seal = (key: DataKey, eventId: string, plaintext: JsonValue): Sealed => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(eventId, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { kid: key.kid, alg: 'A256GCM', iv: iv.toString('base64'), ct: ct.toString('base64') };
};

/** Left: the ciphertext was altered, moved from another event, or sealed under another key. */
export const unseal = (key: DataKey, eventId: string, sealed: Sealed): E.Either<string, unknown> => {
  const iv = Buffer.from(sealed.iv, 'base64');
  const ct = Buffer.from(sealed.ct, 'base64');
  if (iv.length !== IV_BYTES || ct.length < TAG_BYTES) return E.left('malformed sealed data');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(eventId, 'utf8'));
    decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
    // Decoded to text by the decipher itself (no intermediate buffers); `final` throws unless the tag authenticates.
    const plaintext = decipher.update(ct.subarray(0, ct.length - TAG_BYTES), undefined, 'utf8') + decipher.final('utf8');
    return E.right(JSON.parse(plaintext) as unknown);
  } catch {
    return E.left('sealed data does not authenticate under its key and event');
  }
};

export type PersonalDataError =
  | { readonly _tag: 'SealedDataInvalid'; readonly reason: string }
  | { readonly _tag: 'DataKeyMissing'; readonly kid: string }
  | KeyStoreError;

/** What is sealed: the original data and the salt of its commitment in the hash chain. */
export interface SealedPayload {
  readonly salt: string;
  readonly data: JsonValue;
}

const SealedPayloadC = t.type({ salt: t.string, data: t.unknown });

/**
 * An event's data as read back: `payload` is the sealed original while its key exists, 'erased'
 * once the key is destroyed, 'none' for an event that never held personal data (or was stored
 * without sealing).
 */
export interface OpenedData {
  readonly data: JsonValue;
  readonly payload: SealedPayload | 'erased' | 'none';
}

/** The serializer's view of personal data: how to store an event's data and how to read it back. */
export interface PersonalDataCodec {
  /** `redacted` is the payload's data with its personal values replaced; called only when they differ. */
  readonly seal: (subject: string, eventId: string, payload: SealedPayload, redacted: JsonValue) => JsonValue;
  readonly open: (eventId: string, stored: JsonValue) => E.Either<PersonalDataError, OpenedData>;
  /** Runs `read`, whose `open` calls may share one view of the keys (see `KeyStore.snapshot`). */
  readonly openingMany?: <A>(read: () => A) => A;
}

const isRecord = (value: JsonValue): value is { readonly [key: string]: JsonValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The key a stored event's personal data is sealed under, if it has any. */
export const sealedKeyOf = (stored: JsonValue): string | undefined => {
  if (!isRecord(stored)) return undefined;
  const sealed = SealedC.decode(stored[SEALED_FIELD]);
  return E.isRight(sealed) ? sealed.right.kid : undefined;
};

/** Stores data as it is: for tools and tests that read and write raw logs, never for a ledger's own events. */
export const plainPersonalData: PersonalDataCodec = {
  seal: (_subject, _eventId, payload) => payload.data,
  open: (_eventId, stored) => E.right({ data: stored, payload: 'none' }),
};

export const sealingPersonalData = (keys: KeyStore): PersonalDataCodec => ({
  ...(keys.snapshot === undefined ? {} : { openingMany: keys.snapshot }),
  seal: (subject, eventId, payload, redacted) => {
    const key = keys.keyFor(subject);
    if (E.isLeft(key)) {
      // The deciders refuse changes to a redacted session, so only a broken key store gets here.
      throw new Error(`cannot seal personal data of ${subject}: ${key.left._tag}`);
    }
    if (!isRecord(redacted)) throw new TypeError('sealed event data must be an object');
    return { ...redacted, [SEALED_FIELD]: seal(key.right, eventId, payload as unknown as JsonValue) };
  },
  open: (eventId, stored) => {
    if (!isRecord(stored) || stored[SEALED_FIELD] === undefined) return E.right({ data: stored, payload: 'none' });
    const { [SEALED_FIELD]: sealedValue, ...redacted } = stored;
    const sealed = SealedC.decode(sealedValue);
    if (E.isLeft(sealed)) return E.left({ _tag: 'SealedDataInvalid', reason: `malformed ${SEALED_FIELD}` });
    const found = keys.lookup(sealed.right.kid);
    if (E.isLeft(found)) return found;
    switch (found.right._tag) {
      case 'Destroyed':
        return E.right({ data: redacted, payload: 'erased' });
      case 'Unknown':
        return E.left({ _tag: 'DataKeyMissing', kid: sealed.right.kid });
      case 'Found': {
        const opened = E.flatMap(unseal(found.right.key, eventId, sealed.right), (plaintext) =>
          E.mapLeft(() => 'the sealed payload is not {salt, data}')(SealedPayloadC.decode(plaintext)),
        );
        if (E.isLeft(opened)) return E.left({ _tag: 'SealedDataInvalid', reason: opened.left });
        const payload = { salt: opened.right.salt, data: opened.right.data as JsonValue };
        return E.right({ data: payload.data, payload });
      }
    }
  },
});
