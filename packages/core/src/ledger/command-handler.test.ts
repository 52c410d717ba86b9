import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { verificationSessionDecider } from '../domain/verification-session/decider.js';
import { CREATED_AT, SESSION_ID, created } from '../domain/verification-session/testing/fixtures.js';
import { createDecidedStates, currentState, handleCommand, type CommandHandlerDeps } from './command-handler.js';
import type { CommandContext } from './envelope.js';
import { createMemoryEventStore } from './event-store/memory-store.js';
import type { EventStore } from './event-store/port.js';
import { createMemoryKeyStore } from './personal-data/key-store.js';
import { sealingPersonalData } from './personal-data/sealed-data.js';
import { createEventSerializer } from './serializer.js';
import { sessionStream } from './streams.js';

/**
 * Remembered states: a command on a stream nobody wrote since its last decision skips reading the
 * stream, and a write by anyone else since is seen through the revision check.
 */

const stream = sessionStream(SESSION_ID);
const context: CommandContext = { actor: { type: 'system', component: 'test' }, requestId: null, correlationId: 'corr_1', causationId: null };

/** A store that counts the stream reads made through it. */
const counting = (store: EventStore) => {
  let reads = 0;
  return {
    store: {
      ...store,
      readStream: (...args: Parameters<EventStore['readStream']>) => () => {
        reads++;
        return store.readStream(...args)();
      },
    } as EventStore,
    reads: () => reads,
  };
};

const handlerOver = (store: EventStore, remember: boolean): CommandHandlerDeps => ({
  store,
  serializer: createEventSerializer(sealingPersonalData(keys)),
  clock: () => new Date(CREATED_AT * 1000),
  newEventId: randomUUID,
  ...(remember ? { states: createDecidedStates() } : {}),
});

const keys = createMemoryKeyStore();

const seeded = async () => {
  const shared = createMemoryEventStore();
  const writer = handlerOver(shared, false);
  // The first event written as the ledger would: through the serializer, at the chain's start.
  const first = writer.serializer.serialize(stream, created(), context, new Date(CREATED_AT * 1000), randomUUID(), { revision: 0n, previous: '0'.repeat(64) });
  const appended = await shared.appendToStream(stream, [first], { expectedRevision: 'no_stream' })();
  if (E.isLeft(appended)) throw new Error('seed failed');
  return shared;
};

const update = (metadata: Record<string, string>) =>
  ({ type: 'UpdateVerificationSession', sessionId: SESSION_ID, now: CREATED_AT + 10, livemode: false, changes: { metadata } }) as const;

describe('remembered states', () => {
  it('skip reading a stream that has not moved since the last decision', async () => {
    const { store, reads } = counting(await seeded());
    const deps = handlerOver(store, true);
    const run = handleCommand(deps);
    expect(E.isRight(await run(verificationSessionDecider, stream, update({ a: '1' }), context)())).toBe(true);
    const afterFirst = reads();
    const second = await run(verificationSessionDecider, stream, update({ b: '2' }), context)();
    expect(E.isRight(second)).toBe(true);
    expect(reads()).toBe(afterFirst);
    const decided = await currentState(deps, verificationSessionDecider, stream)();
    expect(reads()).toBe(afterFirst);
    expect(E.isRight(decided) && decided.right.state._tag === 'Existing' && decided.right.state.session.metadata).toEqual({ a: '1', b: '2' });
  });

  it('see what another writer appended since, and chain on from its events', async () => {
    const shared = await seeded();
    const deps = handlerOver(shared, true);
    const run = handleCommand(deps);
    expect(E.isRight(await run(verificationSessionDecider, stream, update({ mine: '1' }), context)())).toBe(true);
    // Another process, with no memory of this one's states.
    expect(E.isRight(await handleCommand(handlerOver(shared, false))(verificationSessionDecider, stream, update({ theirs: '2' }), context)())).toBe(true);
    const decided = await currentState(deps, verificationSessionDecider, stream)();
    expect(E.isRight(decided) && decided.right.revision).toBe(2n);
    expect(E.isRight(decided) && decided.right.state._tag === 'Existing' && decided.right.state.session.metadata).toEqual({ mine: '1', theirs: '2' });
    expect(E.isRight(await run(verificationSessionDecider, stream, update({ again: '3' }), context)())).toBe(true);
    // Its events chain on from the other writer's (whole chains are checked by the audit-export tests).
    const events = await shared.readStream(stream)();
    if (E.isLeft(events)) throw new Error('read failed');
    const decoded = events.right.map((event) => deps.serializer.deserialize(event));
    expect(decoded.map((event) => E.isRight(event) && event.right.envelope.revision)).toEqual([0n, 1n, 2n, 3n]);
  });
});
