import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes.js';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { createMerkleTree, leafHash } from './merkle.js';
import { ed25519Signer, generateSignerKey, openNote, parseSignerKey, parseVerifierKey, signNote, type NoteVerifier } from './signed-note.js';

const right = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`expected Right, got ${JSON.stringify(either.left)}`);
  return either.right;
};

// Interoperability vectors of Go's golang.org/x/mod/sumdb/note (note_test.go).
const GO_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIGNATURE = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

// A checkpoint of the 8-leaf RFC 6962 test tree, signed with RFC 8032 §7.1 TEST 1's key.
const RFC8032_SEED = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')!;
const CHECKPOINT_NOTE =
  'example.com/kyc-ledger\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n' +
  '— example.com/kyc-ledger kOhwkZ8nJSavWOYcfAnaEserjrk/Cb2aItk9C7VOmyGGUlLiSiI5VV+Wt0yCToI9iPvGPDsjrViKS3n4xluU13CuNw4=\n';

describe('signed notes', () => {
  it('signs exactly as Go does', () => {
    const signer = right(parseSignerKey(GO_SIGNER));
    expect(signer.verifierKey).toBe(GO_VERIFIER);
    expect(right(signNote(GO_TEXT, [signer]))).toBe(`${GO_TEXT}\n${GO_SIGNATURE}`);
  });

  it('opens a note signed by a known key', () => {
    const opened = right(openNote(`${GO_TEXT}\n${GO_SIGNATURE}`, [right(parseVerifierKey(GO_VERIFIER))]));
    expect(opened).toEqual({ text: GO_TEXT, verifiedBy: [{ name: 'PeterNeumann', keyId: 0xc74f20a3 }] });
  });

  it('reproduces the checkpoint vector of the 8-leaf tree', () => {
    const signer = right(ed25519Signer('example.com/kyc-ledger', RFC8032_SEED));
    expect(signer.keyId.toString(16)).toBe('90e87091');
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => leafHash(fromHex(h)!));
    const text = formatCheckpoint({ origin: 'example.com/kyc-ledger', size: 8n, rootHash: createMerkleTree(leaves).root(), extensions: [] });
    expect(right(signNote(text, [signer]))).toBe(CHECKPOINT_NOTE);
    const parsed = right(parseCheckpoint(right(openNote(CHECKPOINT_NOTE, [signer])).text));
    expect(parsed.size).toBe(8n);
    expect(toHex(parsed.rootHash)).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('ignores unknown keys but needs at least one known signature', () => {
    const other = right(parseSignerKey(generateSignerKey('someone-else')));
    const goVerifier = right(parseVerifierKey(GO_VERIFIER));
    const cosigned = right(signNote(GO_TEXT, [right(parseSignerKey(GO_SIGNER)), other]));
    expect(right(openNote(cosigned, [goVerifier])).verifiedBy).toHaveLength(1);
    expect(right(openNote(cosigned, [goVerifier, other])).verifiedBy).toHaveLength(2);
    expect(openNote(`${GO_TEXT}\n${GO_SIGNATURE}`, [other])).toEqual(E.left({ _tag: 'NoKnownSignature' }));
  });

  it('refuses an altered text or signature', () => {
    const verifiers: ReadonlyArray<NoteVerifier> = [right(parseVerifierKey(GO_VERIFIER))];
    const altered = `${GO_TEXT.replace('answer', 'Answer')}\n${GO_SIGNATURE}`;
    expect(openNote(altered, verifiers)).toEqual(E.left({ _tag: 'InvalidSignature', name: 'PeterNeumann', keyId: 0xc74f20a3 }));
    const badSignature = `${GO_TEXT}\n${GO_SIGNATURE.replace('x08go', 'x08gp')}`;
    expect(E.isLeft(openNote(badSignature, verifiers))).toBe(true);
    expect(E.isLeft(openNote(GO_TEXT, verifiers))).toBe(true);
  });

  it('refuses keys whose id does not match the key', () => {
    expect(E.isLeft(parseVerifierKey(GO_VERIFIER.replace('c74f20a3', 'c74f20a4')))).toBe(true);
    expect(E.isLeft(parseSignerKey(GO_SIGNER.replace('PeterNeumann', 'PeterNeuman')))).toBe(true);
    expect(E.isLeft(parseVerifierKey('name+c74f20a3+AAAA'))).toBe(true);
  });

  it('round-trips a generated key', () => {
    const signer = right(parseSignerKey(generateSignerKey('idledger.test/ledger')));
    const verifier = right(parseVerifierKey(signer.verifierKey));
    const note = right(signNote('idledger.test/ledger\n3\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n', [signer]));
    expect(right(openNote(note, [verifier])).verifiedBy).toEqual([{ name: signer.name, keyId: signer.keyId }]);
  });
});
