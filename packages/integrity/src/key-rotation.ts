import * as E from 'fp-ts/lib/Either.js';
import { openNote, parseVerifierKey, signNote, type NoteError, type NoteSigner, type NoteVerifier } from './signed-note.js';

/**
 * Rotating the signing key without breaking offline verification: the old key signs a statement
 * naming the new one, and a verifier who trusts the old key comes to trust the new one by
 * checking that statement. Statements chain, in order, from any key the verifier trusts.
 */

const HEADER = 'idledger signing key rotation v1';

export const rotationStatementText = (origin: string, nextVerifierKey: string): string => `${HEADER}\n${origin}\n${nextVerifierKey}\n`;

/** The signed statement, by the previous key, that `next` succeeds it. */
export const signRotation = (previous: NoteSigner, next: NoteSigner): E.Either<NoteError, string> =>
  signNote(rotationStatementText(previous.name, next.verifierKey), [previous]);

/**
 * The trusted keys extended by every statement, taken in order, that a key already trusted
 * signed. A statement no trusted key signed extends nothing and is passed over: a verifier who
 * trusts a later key does not need it, and one who does need it finds the bundle's signatures
 * failing. A statement a trusted key signed but that says something else is a problem.
 */
export const trustThroughRotations = (
  statements: ReadonlyArray<{ readonly name: string; readonly note: string }>,
  trusted: ReadonlyArray<NoteVerifier>,
): { readonly verifiers: ReadonlyArray<NoteVerifier>; readonly problems: ReadonlyArray<{ readonly name: string; readonly message: string }> } => {
  const verifiers = [...trusted];
  const problems: Array<{ name: string; message: string }> = [];
  for (const statement of statements) {
    const opened = openNote(statement.note, verifiers);
    if (E.isLeft(opened)) continue;
    const [header, origin, key, ...rest] = opened.right.text.slice(0, -1).split('\n');
    const next = key === undefined ? undefined : parseVerifierKey(key);
    // The successor speaks for the same log: its name is the origin the statement names.
    if (header !== HEADER || rest.length > 0 || next === undefined || E.isLeft(next) || next.right.name !== origin) {
      problems.push({ name: statement.name, message: 'not a key rotation statement' });
      continue;
    }
    if (!verifiers.some((known) => known.verifierKey === next.right.verifierKey)) verifiers.push(next.right);
  }
  return { verifiers, problems };
};
