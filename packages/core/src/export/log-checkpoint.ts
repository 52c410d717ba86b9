import { createMerkleTree, formatCheckpoint, leafData, leafHash, signNote, toHex, type Digest, type MerkleTree, type NoteSigner } from '@idledger/integrity';
import * as E from 'fp-ts/lib/Either.js';
import { EventMetadataC, type EventMetadata, type Integrity, type LedgerEvent } from '../ledger/envelope.js';
import type { RecordedEvent } from '../ledger/event-store/port.js';
import { GENESIS } from '../ledger/integrity.js';
import { CHECKPOINT_STREAM } from '../ledger/streams.js';
import type { DeserializeError, LedgerDomainEvent } from '../ledger/serializer.js';
import { recordCheckpoint, type CheckpointDeps } from './record-checkpoint.js';

/**
 * The ledger's global Merkle log: one leaf per event in global order, each binding the event's
 * position, stream, revision and chain hash. It is derived from the log alone, so signing a
 * checkpoint means reading the log, checking it still matches the last checkpoint signed, then
 * signing its size and root and recording that as a `CheckpointSigned` event.
 */

export interface LogCheckpointDeps extends CheckpointDeps {
  readonly signer: NoteSigner;
  readonly origin: string;
}

export type LogCheckpointError =
  | { readonly _tag: 'UnchainedEvent'; readonly eventId: string; readonly position: bigint }
  | { readonly _tag: 'InconsistentWithCheckpoint'; readonly size: string; readonly expected: string; readonly found: string }
  | { readonly _tag: 'ExportFailed'; readonly message: string };

export interface ScannedEvent {
  readonly recorded: RecordedEvent;
  readonly leafIndex: number;
  readonly integrity: Integrity;
  readonly clearMetadata: Omit<EventMetadata, 'integrity'>;
  /** The chain hash this event links onto: its stream's previous event's, or the genesis hash. */
  readonly previous: string;
  /** Decoded on demand: a checkpoint alone needs no event decoded but its own. */
  readonly decoded: () => E.Either<DeserializeError, LedgerEvent<LedgerDomainEvent>>;
}

export interface ScannedLog {
  readonly leaves: ReadonlyArray<Digest>;
  /** Every checkpoint the ledger signed before, in order. */
  readonly checkpoints: ReadonlyArray<{ readonly size: string; readonly root_hash: string }>;
}

export const scanLog = async (
  deps: Pick<CheckpointDeps, 'store' | 'serializer'>,
  visit: (event: ScannedEvent) => E.Either<LogCheckpointError, void> = () => E.right(undefined),
): Promise<E.Either<LogCheckpointError, ScannedLog>> => {
  const leaves: Array<Digest> = [];
  const headOfStream = new Map<string, string>();
  const checkpoints: Array<{ readonly size: string; readonly root_hash: string }> = [];
  for await (const recorded of deps.store.readAll()) {
    const metadata = EventMetadataC.decode(recorded.metadata);
    if (E.isLeft(metadata) || metadata.right.integrity === undefined) return E.left({ _tag: 'UnchainedEvent', eventId: recorded.id, position: recorded.position });
    const { integrity, ...clearMetadata } = metadata.right;
    const leafIndex = leaves.length;
    leaves.push(leafHash(leafData(recorded.position, recorded.streamName, recorded.revision, integrity.hash)));
    const previous = headOfStream.get(recorded.streamName) ?? GENESIS;
    headOfStream.set(recorded.streamName, integrity.hash);
    let decoding: E.Either<DeserializeError, LedgerEvent<LedgerDomainEvent>> | undefined;
    const decoded = () => (decoding ??= deps.serializer.deserialize(recorded));
    if (recorded.streamName === CHECKPOINT_STREAM && recorded.type === 'CheckpointSigned') {
      const checkpoint = decoded();
      if (E.isRight(checkpoint) && checkpoint.right.event.type === 'CheckpointSigned') checkpoints.push(checkpoint.right.event.data);
    }
    const visited = visit({ recorded, leafIndex, integrity, clearMetadata, previous, decoded });
    if (E.isLeft(visited)) return visited;
  }
  return E.right({ leaves, checkpoints });
};

export interface SignedCheckpoint {
  readonly tree: MerkleTree;
  readonly size: bigint;
  readonly rootHash: Digest;
  readonly note: string;
}

/** Never signs a log that no longer extends every checkpoint it signed before. */
export const signAndRecord = async (deps: LogCheckpointDeps, log: ScannedLog): Promise<E.Either<LogCheckpointError, SignedCheckpoint>> => {
  const tree = createMerkleTree(log.leaves);
  for (const earlier of log.checkpoints) {
    const size = Number(earlier.size);
    const found = size <= tree.size ? toHex(tree.root(size)) : 'beyond the log';
    if (found !== earlier.root_hash) return E.left({ _tag: 'InconsistentWithCheckpoint', size: earlier.size, expected: earlier.root_hash, found });
  }
  const size = BigInt(tree.size);
  const rootHash = tree.root();
  const note = signNote(formatCheckpoint({ origin: deps.origin, size, rootHash, extensions: [] }), [deps.signer]);
  if (E.isLeft(note)) return E.left({ _tag: 'ExportFailed', message: `signing the checkpoint: ${note.left._tag}` });
  const recorded = await recordCheckpoint(deps, { origin: deps.origin, size, rootHash, note: note.right, signer: deps.signer });
  if (E.isLeft(recorded)) return E.left({ _tag: 'ExportFailed', message: recorded.left });
  return E.right({ tree, size, rootHash, note: note.right });
};

/** Signs and records a checkpoint over the whole log now. */
export const signCheckpoint = async (deps: LogCheckpointDeps): Promise<E.Either<LogCheckpointError, SignedCheckpoint>> => {
  const scanned = await scanLog(deps);
  return E.isLeft(scanned) ? scanned : signAndRecord(deps, scanned.right);
};
