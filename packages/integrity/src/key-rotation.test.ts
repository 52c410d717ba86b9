import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { rotationStatementText, signRotation, trustThroughRotations } from './key-rotation.js';
import { generateSignerKey, parseSignerKey, signNote, type NoteSigner } from './signed-note.js';

const signer = (): NoteSigner => {
  const parsed = parseSignerKey(generateSignerKey('idledger.test/log'));
  if (E.isLeft(parsed)) throw new Error('key');
  return parsed.right;
};
const statement = (previous: NoteSigner, next: NoteSigner, name: string) => {
  const note = signRotation(previous, next);
  if (E.isLeft(note)) throw new Error('sign');
  return { name, note: note.right };
};

describe('key rotation', () => {
  it('follows a chain of successions, in order, from a trusted key', () => {
    const [a, b, c] = [signer(), signer(), signer()];
    const { verifiers, problems } = trustThroughRotations([statement(a, b, '1'), statement(b, c, '2')], [a]);
    expect(problems).toEqual([]);
    expect(verifiers.map((v) => v.verifierKey)).toEqual([a.verifierKey, b.verifierKey, c.verifierKey]);
  });

  it('passes over statements no trusted key signed, and flags a trusted key saying something else', () => {
    const [a, b, c] = [signer(), signer(), signer()];
    expect(trustThroughRotations([statement(b, c, '1')], [a]).verifiers).toHaveLength(1);
    const other = signNote('not a rotation\n', [a]);
    if (E.isLeft(other)) throw new Error('sign');
    expect(trustThroughRotations([{ name: 'x', note: other.right }], [a]).problems).toEqual([{ name: 'x', message: 'not a key rotation statement' }]);
    expect(rotationStatementText('o', 'k')).toBe('idledger signing key rotation v1\no\nk\n');
  });
});
