import { describe, expect, it } from 'vitest';
import { toHex } from './bytes.js';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_HASH, eventHash, headerDigest, leafData, payloadCommitment } from './chain.js';
import { leafHash } from './merkle.js';

// The worked example that pins the byte layout.
const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
const payload = { last_name: 'Rosen', first_name: 'Jenny' };
const header = { type: 'VerificationSessionVerified', schemaVersion: 1, recordedAt: '2025-01-01T00:00:00Z', eventId: '6f1c2a9e-0000-4000-8000-000000000001' };
const streamId = 'verificationSession-vs_test';

describe('the per-stream chain', () => {
  it('encodes payload and header canonically', () => {
    expect(canonicalJson(payload)).toBe('{"first_name":"Jenny","last_name":"Rosen"}');
    expect(canonicalJson(header)).toBe(
      '{"eventId":"6f1c2a9e-0000-4000-8000-000000000001","recordedAt":"2025-01-01T00:00:00Z","schemaVersion":1,"type":"VerificationSessionVerified"}',
    );
  });

  it('reproduces the worked example byte for byte', () => {
    const commitment = payloadCommitment(salt, payload);
    const digest = headerDigest(header);
    expect(toHex(commitment)).toBe('4121a02a2e3d7fee1877244677e0572eb936a9e800cc4951ebe097125fef05f7');
    expect(toHex(digest)).toBe('6bdd9e91abfa32f96aebc40671e11c51b5dc2f4879bfce16c0204055eb21c41f');
    const hash = eventHash({ streamId, revision: 0n, previous: GENESIS_HASH, headerDigest: digest, payloadCommitment: commitment });
    expect(toHex(hash)).toBe('9c8f4e03c4a76d5046a48594420dc0886552ef2f81d1b6470300873a8ca5c877');
    const leaf = leafData(0n, streamId, 0n, toHex(hash));
    expect(new TextDecoder().decode(leaf)).toBe(
      '{"g":"0","h":"9c8f4e03c4a76d5046a48594420dc0886552ef2f81d1b6470300873a8ca5c877","s":"verificationSession-vs_test","v":"0"}',
    );
    expect(toHex(leafHash(leaf))).toBe('0806e597167e1cff36ffedf6619ad2ac2ca8efd66f0694a0722fa71979591481');
  });

  it('binds the stream, the revision and the previous hash', () => {
    const base = { streamId, revision: 0n, previous: GENESIS_HASH, headerDigest: headerDigest(header), payloadCommitment: payloadCommitment(salt, payload) };
    const hash = toHex(eventHash(base));
    expect(toHex(eventHash({ ...base, streamId: 'verificationSession-vs_tesu' }))).not.toBe(hash);
    expect(toHex(eventHash({ ...base, revision: 1n }))).not.toBe(hash);
    expect(toHex(eventHash({ ...base, previous: new Uint8Array(32).fill(1) }))).not.toBe(hash);
  });

  it('refuses values with no exact JSON encoding instead of hashing something else', () => {
    expect(() => headerDigest({ position: 1n })).toThrow(/bigint/);
    expect(() => headerDigest({ at: undefined })).toThrow(/undefined/);
    expect(() => headerDigest({ n: Number.NaN })).toThrow(/non-finite/);
    expect(() => headerDigest({ s: '\uD800' })).toThrow(/surrogate/);
    expect(() => payloadCommitment(new Uint8Array(31), payload)).toThrow(/32 bytes/);
  });
});
