import { signRotation, toHex, type Digest, type NoteSigner } from '@idledger/integrity';
import type { CheckpointEvent } from '../domain/ledger-checkpoint.js';
import * as E from 'fp-ts/lib/Either.js';
import type { Actor } from '../ledger/envelope.js';
import type { EventStore } from '../ledger/event-store/port.js';
import { CHAIN_START, nextInChain } from '../ledger/integrity.js';
import type { EventSerializer } from '../ledger/serializer.js';
import { CHECKPOINT_STREAM } from '../ledger/streams.js';

export interface CheckpointDeps {
  readonly store: EventStore;
  readonly serializer: EventSerializer;
  readonly clock: () => Date;
  readonly newEventId: () => string;
  readonly actor: Actor;
}

/** Appends `CheckpointSigned` to the ledger's checkpoint stream, chained like every other event. */
export const recordCheckpoint = (
  deps: CheckpointDeps,
  checkpoint: { readonly origin: string; readonly size: bigint; readonly rootHash: Digest; readonly note: string; readonly signer: NoteSigner },
): Promise<E.Either<string, void>> =>
  appendToLedgerStream(deps, {
    type: 'CheckpointSigned',
    data: {
      origin: checkpoint.origin,
      size: checkpoint.size.toString(),
      root_hash: toHex(checkpoint.rootHash),
      note: checkpoint.note,
      signer: { name: checkpoint.signer.name, key_id: checkpoint.signer.keyId.toString(16).padStart(8, '0') },
    },
  });

/** Records that `next` now signs for `previous`, with the previous key's signed statement. */
export const recordKeyRotation = async (deps: CheckpointDeps, previous: NoteSigner, next: NoteSigner): Promise<E.Either<string, void>> => {
  const statement = signRotation(previous, next);
  if (E.isLeft(statement)) return E.left(`signing the rotation: ${statement.left._tag}`);
  return appendToLedgerStream(deps, {
    type: 'SigningKeyRotated',
    data: { origin: previous.name, previous_key: previous.verifierKey, next_key: next.verifierKey, statement: statement.right },
  });
};

const appendToLedgerStream = async (deps: CheckpointDeps, ledgerEvent: CheckpointEvent): Promise<E.Either<string, void>> => {
  for (let attempt = 0; attempt < 5; attempt++) {
    // Only the last event: the chain goes on from it, and the stream grows with every checkpoint.
    const existing = await deps.store.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 })();
    if (E.isLeft(existing) && existing.left._tag !== 'StreamNotFound') return E.left(`reading ${CHECKPOINT_STREAM}: ${existing.left._tag}`);
    const events = E.isRight(existing) ? existing.right : [];
    const last = events[events.length - 1];
    let at = CHAIN_START;
    if (last !== undefined) {
      const decoded = deps.serializer.deserialize(last);
      if (E.isLeft(decoded)) return E.left(`the last checkpoint event cannot be decoded: ${decoded.left._tag}`);
      at = nextInChain(decoded.right.envelope);
    }
    const event = deps.serializer.serialize(
      CHECKPOINT_STREAM,
      ledgerEvent,
      { actor: deps.actor, requestId: null, correlationId: deps.newEventId(), causationId: null },
      deps.clock(),
      deps.newEventId(),
      at,
    );
    const appended = await deps.store.appendToStream(CHECKPOINT_STREAM, [event], { expectedRevision: last === undefined ? 'no_stream' : last.revision })();
    if (E.isRight(appended)) return E.right(undefined);
    if (appended.left._tag !== 'WrongExpectedVersion') return E.left(`recording ${ledgerEvent.type}: ${appended.left._tag}`);
  }
  return E.left(`recording ${ledgerEvent.type}: the stream ${CHECKPOINT_STREAM} kept changing`);
};
