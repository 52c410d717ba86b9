import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createMemoryKeyStore } from './key-store.js';
import { SEALED_FIELD, sealingPersonalData } from './sealed-data.js';

const data = { id: 'vs_1', metadata: { note: 'Ada Lovelace' } };
const payload = { salt: 'c2FsdA==', data };
const redacted = { id: 'vs_1', metadata: {} };
const subject = 'verification_session-vs_1';

describe('sealed personal data', () => {
  it('stores the redacted data in clear and opens to the original while the key exists', () => {
    const codec = sealingPersonalData(createMemoryKeyStore());
    const stored = codec.seal(subject, 'evt-1', payload, redacted);
    expect(JSON.stringify(stored)).not.toContain('Ada');
    expect(stored).toMatchObject({ ...redacted, [SEALED_FIELD]: { alg: 'A256GCM' } });
    expect(codec.open('evt-1', stored)).toEqual(E.right({ data, payload }));
  });

  it('opens to the redacted data once the key is destroyed, and seals nothing new for that subject', () => {
    const keys = createMemoryKeyStore();
    const codec = sealingPersonalData(keys);
    const stored = codec.seal(subject, 'evt-1', payload, redacted);
    expect(keys.destroy(subject, new Date(0))).toEqual(E.right(undefined));
    expect(codec.open('evt-1', stored)).toEqual(E.right({ data: redacted, payload: 'erased' }));
    expect(keys.keyFor(subject)).toEqual(E.left({ _tag: 'SubjectErased', subject }));
    expect(() => codec.seal(subject, 'evt-2', payload, redacted)).toThrow(/SubjectErased/);
  });

  it('refuses a ciphertext moved to another event, altered, or sealed under an unknown key', () => {
    const codec = sealingPersonalData(createMemoryKeyStore());
    const stored = codec.seal(subject, 'evt-1', payload, redacted) as Record<string, { ct: string; kid: string }>;
    expect(codec.open('evt-2', stored)).toMatchObject(E.left({ _tag: 'SealedDataInvalid' }));
    const sealed = stored[SEALED_FIELD]!;
    const flipped = Buffer.from(sealed.ct, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(codec.open('evt-1', { ...stored, [SEALED_FIELD]: { ...sealed, ct: flipped.toString('base64') } })).toMatchObject(E.left({ _tag: 'SealedDataInvalid' }));
    expect(sealingPersonalData(createMemoryKeyStore()).open('evt-1', stored)).toEqual(E.left({ _tag: 'DataKeyMissing', kid: sealed.kid }));
  });

  it('keeps one key per subject', () => {
    const keys = createMemoryKeyStore();
    const first = keys.keyFor('a');
    expect(keys.keyFor('a')).toEqual(first);
    expect(E.isRight(first) && E.isRight(keys.keyFor('b')) && keys.keyFor('b')).not.toEqual(first);
  });
});
