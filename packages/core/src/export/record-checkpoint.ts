import { toHex, type Digest, type NoteSigner } from '@idledger/integrity';
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
export const recordCheckpoint = async (
  deps: CheckpointDeps,
  checkpoint: { readonly origin: string; readonly size: bigint; readonly rootHash: Digest; readonly note: string; readonly signer: NoteSigner },
): Promise<E.Either<string, void>> => {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await deps.store.readStream(CHECKPOINT_STREAM)();
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
      {
        type: 'CheckpointSigned',
        data: {
          origin: checkpoint.origin,
          size: checkpoint.size.toString(),
          root_hash: toHex(checkpoint.rootHash),
          note: checkpoint.note,
          signer: { name: checkpoint.signer.name, key_id: checkpoint.signer.keyId.toString(16).padStart(8, '0') },
        },
      },
      { actor: deps.actor, requestId: null, correlationId: deps.newEventId(), causationId: null },
      deps.clock(),
      deps.newEventId(),
      at,
    );
    const appended = await deps.store.appendToStream(CHECKPOINT_STREAM, [event], { expectedRevision: last === undefined ? 'no_stream' : last.revision })();
    if (E.isRight(appended)) return E.right(undefined);
    if (appended.left._tag !== 'WrongExpectedVersion') return E.left(`recording the checkpoint: ${appended.left._tag}`);
  }
  return E.left('recording the checkpoint: the checkpoint stream kept changing');
};
