import * as t from 'io-ts';
import { defineEvent, makeEventDecoder, type EventOf } from './shared/event-codec.js';

/**
 * The ledger's own record of each checkpoint it signed: the state of its Merkle log (origin, tree
 * size, root hash) and the signed note itself. Before signing the next one the ledger checks
 * that its log is still consistent with this one, so it never signs two conflicting histories.
 */
export const CheckpointSigned = defineEvent(
  'CheckpointSigned',
  1,
  t.type({
    origin: t.string,
    /** Leaves in the tree, as a decimal string. */
    size: t.string,
    /** RFC 6962 root hash, hex. */
    root_hash: t.string,
    /** The whole signed note (C2SP tlog-checkpoint). */
    note: t.string,
    signer: t.type({ name: t.string, key_id: t.string }),
  }),
);

export const checkpointEvents = [CheckpointSigned] as const;
export type CheckpointEvent = EventOf<(typeof checkpointEvents)[number]>;
export const decodeCheckpointEvent = makeEventDecoder(checkpointEvents);
