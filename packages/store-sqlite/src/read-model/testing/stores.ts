import { shareKeys } from '@idledger/core/testing';
import { randomUUID } from 'node:crypto';
import { createMemoryEventStore, type EventStore, type RecordedEvent } from '@idledger/core';

/**
 * Event stores that let a test steer what a rebuild reads: pause the log part-way (to read and
 * write while a rebuild runs), hide its tail (so the live tables get ahead), fail it, or mix in
 * events nobody can decode.
 */

export interface SteeredStore extends EventStore {
  /** `readAll` pauses before yielding this many events, until `resume()`. */
  pauseAfter: number | undefined;
  /** `readAll` calls made from now on see the log only up to this position. */
  visibleUpTo: bigint | undefined;
  /** `readAll` rejects (as stores do, with a StoreError value) before yielding this many events. */
  failAfter: number | undefined;
  /** Resolves when a `readAll` has paused. */
  readonly paused: () => Promise<void>;
  readonly resume: () => void;
  /** Events yielded by every `readAll` so far. */
  readonly yielded: () => number;
}

export const steeredStore = (inner: EventStore): SteeredStore => {
  let yielded = 0;
  let onPause: (() => void) | undefined;
  let pausedPromise = new Promise<void>((resolve) => (onPause = resolve));
  let release: (() => void) | undefined;

  const steered: SteeredStore = {
    ...inner,
    pauseAfter: undefined,
    visibleUpTo: undefined,
    failAfter: undefined,
    paused: () => pausedPromise,
    resume: () => {
      pausedPromise = new Promise<void>((resolve) => (onPause = resolve));
      release?.();
    },
    yielded: () => yielded,
    readAll: (options) => {
      const visibleUpTo = steered.visibleUpTo;
      return (async function* () {
        let count = 0;
        for await (const event of inner.readAll(options)) {
          if (visibleUpTo !== undefined && event.position > visibleUpTo) return;
          if (count === steered.failAfter) throw { _tag: 'Unavailable', reason: 'the test failed the read' };
          if (count === steered.pauseAfter) {
            const resumed = new Promise<void>((resolve) => (release = resolve));
            onPause?.();
            await resumed;
          }
          count++;
          yielded++;
          yield event;
        }
      })();
    },
  };
  return steered;
};

const readLog = async (store: EventStore): Promise<Array<RecordedEvent>> => {
  const events: Array<RecordedEvent> = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
};

/**
 * A copy of a log with an undecodable event (an unknown type in a session stream) after every
 * `every` events and at the very end. The copy has its own positions and recording times.
 */
export const withUndecodableEvents = async (source: EventStore, every: number): Promise<{ store: EventStore; undecodable: number }> => {
  const store = createMemoryEventStore();
  shareKeys(source, store);
  let undecodable = 0;
  // Copies keep their event id: sealed personal data only opens on the event it was sealed for.
  const append = async (event: Pick<RecordedEvent, 'streamName' | 'type' | 'data' | 'metadata'> & { readonly id?: string }) => {
    const result = await store.appendToStream(event.streamName, [{ id: event.id ?? randomUUID(), type: event.type, data: event.data, metadata: event.metadata }], {
      expectedRevision: 'any',
    })();
    if (result._tag === 'Left') throw new Error(`copy failed: ${JSON.stringify(result.left)}`);
  };
  const log = await readLog(source);
  for (const [index, event] of log.entries()) {
    await append(event);
    if ((index + 1) % every === 0 || index === log.length - 1) {
      await append({ streamName: event.streamName.startsWith('verification_session-') ? event.streamName : 'verification_session-vs_junk', type: 'NotAnEvent', data: {}, metadata: event.metadata });
      undecodable++;
    }
  }
  return { store, undecodable };
};
