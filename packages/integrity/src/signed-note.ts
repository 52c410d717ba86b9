import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { concatBytes, fromBase64, sha256, toBase64, utf8 } from './bytes.js';

/**
 * C2SP signed notes on Ed25519 (the format of Go's `golang.org/x/mod/sumdb/note`): a text ending
 * in a newline, a blank line, then one `— <name> <base64(keyID ‖ signature)>` line per signer.
 * The signature covers the text with its final newline. Signer and verifier keys are written as
 * `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>` and `<name>+<hex id>+<base64(0x01 ‖ public key)>`.
 */

const ED25519 = 0x01;
const PKCS8_ED25519_PREFIX = Uint8Array.from(Buffer.from('302e020100300506032b657004220420', 'hex'));
const SIGNATURE_PREFIX = '\u2014 ';

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** `<name>+<hex id>+<base64(0x01 ‖ public key)>`. */
  readonly verifierKey: string;
  readonly verify: (message: Uint8Array, signature: Uint8Array) => boolean;
}

export interface NoteSigner extends NoteVerifier {
  readonly sign: (message: Uint8Array) => Uint8Array;
}

export type NoteError =
  | { readonly _tag: 'MalformedKey'; readonly reason: string }
  | { readonly _tag: 'MalformedNote'; readonly reason: string }
  | { readonly _tag: 'InvalidSignature'; readonly name: string; readonly keyId: number }
  | { readonly _tag: 'NoKnownSignature' };

const malformedKey = (reason: string): NoteError => ({ _tag: 'MalformedKey', reason });
const malformedNote = (reason: string): NoteError => ({ _tag: 'MalformedNote', reason });

const validName = (name: string): boolean => name.length > 0 && !/[\s+]/u.test(name) && !/[\p{Cc}]/u.test(name);

/** First 4 bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
export const keyIdOf = (name: string, publicKey: Uint8Array): number =>
  new DataView(sha256(utf8(name), Uint8Array.of(0x0a, ED25519), publicKey).buffer).getUint32(0);

const hexId = (keyId: number) => keyId.toString(16).padStart(8, '0');

const rawPublicKey = (key: KeyObject): Uint8Array => new Uint8Array(key.export({ format: 'der', type: 'spki' })).slice(-32);

const publicKeyObject = (raw: Uint8Array): KeyObject => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });

const verifierFor = (name: string, publicKey: Uint8Array): NoteVerifier => {
  const key = publicKeyObject(publicKey);
  const keyId = keyIdOf(name, publicKey);
  return {
    name,
    keyId,
    verifierKey: `${name}+${hexId(keyId)}+${toBase64(concatBytes(Uint8Array.of(ED25519), publicKey))}`,
    verify: (message, signature) => signature.length === 64 && verify(null, message, key, signature),
  };
};

export const ed25519Signer = (name: string, seed: Uint8Array): E.Either<NoteError, NoteSigner> => {
  if (!validName(name)) return E.left(malformedKey(`key name '${name}' must be non-empty, without spaces or '+'`));
  if (seed.length !== 32) return E.left(malformedKey(`an Ed25519 seed is 32 bytes, got ${seed.length}`));
  const privateKey = createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_ED25519_PREFIX, seed)), format: 'der', type: 'pkcs8' });
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return E.right({ ...verifierFor(name, publicKey), sign: (message) => new Uint8Array(sign(null, message, privateKey)) });
};

/** A fresh signer key in the text form `parseSignerKey` reads. */
export const generateSignerKey = (name: string): string => {
  const seed = new Uint8Array(randomBytes(32));
  const signer = ed25519Signer(name, seed);
  if (E.isLeft(signer)) throw new TypeError(signer.left._tag === 'MalformedKey' ? signer.left.reason : 'invalid key name');
  return `PRIVATE+KEY+${name}+${hexId(signer.right.keyId)}+${toBase64(concatBytes(Uint8Array.of(ED25519), seed))}`;
};

/** Splits `<name>+<hex id>+<base64>`: names hold no '+', base64 may. */
const keyFields = (text: string): ReadonlyArray<string> => {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  return second < 0 ? [text] : [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
};

/** The id in the text must match the one derived from the key. */
const parseKey = (fields: ReadonlyArray<string>): E.Either<NoteError, { name: string; keyId: number; key: Uint8Array }> => {
  if (fields.length !== 3) return E.left(malformedKey('expected <name>+<hex id>+<base64 key>'));
  const [name, id, encoded] = fields as [string, string, string];
  if (!validName(name)) return E.left(malformedKey(`invalid key name '${name}'`));
  if (!/^[0-9a-f]{8}$/.test(id)) return E.left(malformedKey(`key id '${id}' is not 8 lowercase hex digits`));
  const bytes = fromBase64(encoded);
  if (bytes === undefined || bytes.length !== 33) return E.left(malformedKey('the key is not base64 of 33 bytes'));
  if (bytes[0] !== ED25519) return E.left(malformedKey(`unsupported signature type 0x${bytes[0]!.toString(16)}`));
  return E.right({ name, keyId: Number.parseInt(id, 16), key: bytes.slice(1) });
};

export const parseSignerKey = (text: string): E.Either<NoteError, NoteSigner> => {
  const trimmed = text.trim();
  if (!trimmed.startsWith('PRIVATE+KEY+')) return E.left(malformedKey('a signer key starts with PRIVATE+KEY+'));
  return E.flatMap(parseKey(keyFields(trimmed.slice('PRIVATE+KEY+'.length))), ({ name, keyId, key }) =>
    E.flatMap(ed25519Signer(name, key), (signer) =>
      signer.keyId === keyId ? E.right(signer) : E.left(malformedKey(`key id ${hexId(keyId)} does not match the key (${hexId(signer.keyId)})`)),
    ),
  );
};

export const parseVerifierKey = (text: string): E.Either<NoteError, NoteVerifier> =>
  E.flatMap(parseKey(keyFields(text.trim())), ({ name, keyId, key }) => {
    const verifier = verifierFor(name, key);
    return verifier.keyId === keyId ? E.right(verifier) : E.left(malformedKey(`key id ${hexId(keyId)} does not match the key (${hexId(verifier.keyId)})`));
  });

const checkText = (text: string): E.Either<NoteError, string> => {
  if (!text.endsWith('\n')) return E.left(malformedNote('the text must end with a newline'));
  if (text.includes('\n\n') || text.startsWith('\n')) return E.left(malformedNote('the text must not contain a blank line'));
  if (/[\p{Cc}]/u.test(text.replaceAll('\n', ''))) return E.left(malformedNote('the text must not contain control characters'));
  return E.right(text);
};

export const signNote = (text: string, signers: ReadonlyArray<NoteSigner>): E.Either<NoteError, string> =>
  pipe(
    checkText(text),
    E.map((checked) => {
    const message = utf8(checked);
    const lines = signers.map((signer) => {
      const id = new Uint8Array(4);
      new DataView(id.buffer).setUint32(0, signer.keyId);
      return `${SIGNATURE_PREFIX}${signer.name} ${toBase64(concatBytes(id, signer.sign(message)))}\n`;
    });
      return `${checked}\n${lines.join('')}`;
    }),
  );

export interface OpenedNote {
  readonly text: string;
  /** The known keys whose signatures verified; signatures by unknown keys are ignored. */
  readonly verifiedBy: ReadonlyArray<{ readonly name: string; readonly keyId: number }>;
}

/**
 * Ignores signatures by keys it does not know, refuses a note whose known-key signature fails,
 * and refuses a note that no known key signed.
 */
export const openNote = (note: string, verifiers: ReadonlyArray<NoteVerifier>): E.Either<NoteError, OpenedNote> => {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return E.left(malformedNote('no blank line before the signatures'));
  const text = note.slice(0, split + 1);
  const signatureBlock = note.slice(split + 2);
  if (!signatureBlock.endsWith('\n')) return E.left(malformedNote('the signature block must end with a newline'));
  return E.flatMap(checkText(text), () => {
    const message = utf8(text);
    const verifiedBy: Array<{ name: string; keyId: number }> = [];
    for (const line of signatureBlock.slice(0, -1).split('\n')) {
      if (!line.startsWith(SIGNATURE_PREFIX)) return E.left(malformedNote(`not a signature line: '${line.slice(0, 40)}'`));
      const [name, encoded, ...rest] = line.slice(SIGNATURE_PREFIX.length).split(' ');
      const bytes = encoded === undefined ? undefined : fromBase64(encoded);
      if (name === undefined || !validName(name) || rest.length > 0 || bytes === undefined || bytes.length < 5) {
        return E.left(malformedNote(`malformed signature line: '${line.slice(0, 40)}'`));
      }
      const keyId = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
      const verifier = verifiers.find((candidate) => candidate.name === name && candidate.keyId === keyId);
      if (verifier === undefined) continue;
      if (!verifier.verify(message, bytes.slice(4))) return E.left({ _tag: 'InvalidSignature', name, keyId });
      verifiedBy.push({ name, keyId });
    }
    return verifiedBy.length === 0 ? E.left({ _tag: 'NoKnownSignature' }) : E.right({ text, verifiedBy });
  });
};

export const describeNoteError = (error: NoteError): string => {
  switch (error._tag) {
    case 'MalformedKey':
      return `malformed key: ${error.reason}`;
    case 'MalformedNote':
      return `malformed note: ${error.reason}`;
    case 'InvalidSignature':
      return `the signature by ${error.name}+${hexId(error.keyId)} does not verify`;
    case 'NoKnownSignature':
      return 'no signature by a known key';
  }
};
