import { randomBytes, randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';

/**
 * Where the data keys live: one AES-256 key per subject (a session's or a customer's stream),
 * kept apart from the events. Destroying a subject's key is what erases its personal data
 * (crypto-shredding): the ciphertext in the log, in copies and in backups can no longer be read.
 *
 * The port is synchronous because every event read decodes through it; a KMS-backed store keeps
 * data keys wrapped by the KMS and unwraps them into its own cache (see docs/compliance.md).
 */

export const DATA_KEY_BYTES = 32;

export interface DataKey {
  readonly kid: string;
  readonly key: Uint8Array;
}

export type KeyLookup =
  | { readonly _tag: 'Found'; readonly key: DataKey }
  | { readonly _tag: 'Destroyed'; readonly kid: string; readonly destroyedAt: Date }
  | { readonly _tag: 'Unknown'; readonly kid: string };

export type KeyStoreError =
  | { readonly _tag: 'KeyStoreUnavailable'; readonly message: string }
  /** Nothing new is sealed for a subject whose data was erased. */
  | { readonly _tag: 'SubjectErased'; readonly subject: string };

export interface KeyStore {
  /** The subject's data key, created on first use. */
  readonly keyFor: (subject: string) => E.Either<KeyStoreError, DataKey>;
  readonly lookup: (kid: string) => E.Either<KeyStoreError, KeyLookup>;
  /**
   * Forgets the subject's key for good. Idempotent; a subject that never had a key is marked erased
   * too. `sealedWith`: the keys named by the subject's stored events; any of them this store holds
   * for no subject (a store whose record of handing a key out was lost in a crash) is destroyed as
   * well. A key held for another subject is never touched.
   */
  readonly destroy: (subject: string, at: Date, sealedWith?: ReadonlyArray<string>) => E.Either<KeyStoreError, void>;
  /**
   * Runs `read` with every lookup inside it answered from one consistent view of the keys, so a
   * store may answer a key met again from memory (many events of one subject read together).
   * For reading only. Optional: without it every lookup stands alone.
   */
  readonly snapshot?: <A>(read: () => A) => A;
}

export const newDataKey = (): DataKey => ({ kid: `dk_${randomUUID()}`, key: new Uint8Array(randomBytes(DATA_KEY_BYTES)) });

/** In-process keys: what tests and the in-memory ledger use. Keys die with the process. */
export const createMemoryKeyStore = (): KeyStore => {
  const bySubject = new Map<string, DataKey | { readonly destroyedAt: Date; readonly kid: string | null }>();
  const byKid = new Map<string, { readonly subject: string }>();
  return {
    keyFor: (subject) => {
      const held = bySubject.get(subject);
      if (held === undefined) {
        const key = newDataKey();
        bySubject.set(subject, key);
        byKid.set(key.kid, { subject });
        return E.right(key);
      }
      return 'key' in held ? E.right(held) : E.left({ _tag: 'SubjectErased', subject });
    },
    lookup: (kid) => {
      const owner = byKid.get(kid);
      const held = owner === undefined ? undefined : bySubject.get(owner.subject);
      if (held === undefined) return E.right({ _tag: 'Unknown', kid });
      return E.right('key' in held ? { _tag: 'Found', key: held } : { _tag: 'Destroyed', kid, destroyedAt: held.destroyedAt });
    },
    destroy: (subject, at) => {
      const held = bySubject.get(subject);
      if (held !== undefined && !('key' in held)) return E.right(undefined);
      if (held !== undefined) held.key.fill(0);
      bySubject.set(subject, { destroyedAt: at, kid: held?.kid ?? null });
      return E.right(undefined);
    },
  };
};
