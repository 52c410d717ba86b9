import * as E from 'fp-ts/lib/Either.js';
import { fromBase64, toBase64, type Digest } from './bytes.js';

/**
 * C2SP tlog-checkpoint: the text a log signs to publish a state of its Merkle tree — origin, tree
 * size, root hash, then optional extension lines. Signing and opening go through signed-note.ts.
 */
export interface Checkpoint {
  readonly origin: string;
  readonly size: bigint;
  readonly rootHash: Digest;
  readonly extensions: ReadonlyArray<string>;
}

export const formatCheckpoint = (checkpoint: Checkpoint): string =>
  [checkpoint.origin, checkpoint.size.toString(), toBase64(checkpoint.rootHash), ...checkpoint.extensions].map((line) => `${line}\n`).join('');

export const parseCheckpoint = (text: string): E.Either<string, Checkpoint> => {
  if (!text.endsWith('\n')) return E.left('a checkpoint ends with a newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || origin.length === 0) return E.left('the checkpoint has no origin line');
  if (size === undefined || !/^(0|[1-9][0-9]*)$/.test(size)) return E.left('the tree size is not a decimal without leading zeros');
  const rootHash = root === undefined ? undefined : fromBase64(root);
  if (rootHash === undefined || rootHash.length !== 32) return E.left('the root hash is not base64 of 32 bytes');
  if (extensions.some((line) => line.length === 0)) return E.left('a checkpoint has no empty lines');
  return E.right({ origin, size: BigInt(size), rootHash, extensions });
};
