import type { EventStore, Subscription, SubscriptionMessage } from '@idledger/core/ledger';
// By path, not through '@idledger/core/ledger': this module serves the mock of that very module.
import { serialSubscription } from '../../packages/core/src/ledger/event-store/serial-subscription.js';
import { keysOf } from '../../packages/core/src/testing/store-keys.js';

/**
 * A fresh EventStoreDB adapter on its own test server, returned synchronously (like
 * `createMemoryEventStore()`), so code written for an in-memory store runs on EventStoreDB
 * unchanged. Calls wait for the server to be up; `close()` also stops the server. The adapter
 * is loaded on first use, after any module mock that replaces stores with this one is in place.
 */
const open = new Set<EventStore>();

export const isolatedEventStoreDbStore = (): EventStore => {
  const ready = import('./on-test-server.js').then(({ openOnTestServer }) => openOnTestServer());
  let closed: Promise<void> | undefined;
  const subscribeToAll: EventStore['subscribeToAll'] = (options) => {
    let inner: Subscription | undefined;
    let iterator: AsyncIterator<SubscriptionMessage> | undefined;
    let ended = false;
    return serialSubscription(
      async () => {
        if (ended) return { done: true, value: undefined };
        if (iterator === undefined) {
          inner = (await ready).store.subscribeToAll(options);
          iterator = inner[Symbol.asyncIterator]();
          if (ended) await inner.close();
        }
        return (await iterator.next()) as IteratorResult<SubscriptionMessage, undefined>;
      },
      async () => {
        ended = true;
        await inner?.close();
      },
    );
  };
  const store: EventStore = {
    appendToStream: (stream, events, options) => async () => (await ready).store.appendToStream(stream, events, options)(),
    readStream: (stream, options) => async () => (await ready).store.readStream(stream, options)(),
    streamRevision: (stream) => async () => (await ready).store.streamRevision(stream)(),
    readAll: (options) => ({
      async *[Symbol.asyncIterator]() {
        yield* (await ready).store.readAll(options);
      },
    }),
    subscribeToAll,
    close: () => {
      closed ??= ready.then(async ({ server, store: inner }) => {
        open.delete(store);
        await inner.close();
        await server.stop();
      });
      return closed;
    },
  };
  open.add(store);
  return store;
};

/** Closes every store made here that its user left open (a ledger does not close a store it was given). */
export const closeIsolatedStores = () => Promise.all([...open].map((store) => store.close()));

/** A module of core with every store it would create in memory made an isolated EventStoreDB one. */
export const withEventStoreDbStores = <M extends object>(original: M): M => {
  const core = original as M & { createIdentityLedger?: (config?: Record<string, unknown>) => Promise<unknown> };
  return {
    ...original,
    createMemoryEventStore: () => isolatedEventStoreDbStore(),
    ...(core.createIdentityLedger === undefined
      ? {}
      : {
          createIdentityLedger: (config: Record<string, unknown> = {}) => {
            const store = (config.store as EventStore | undefined) ?? isolatedEventStoreDbStore();
            // Every ledger and reader of one store shares the keys that seal its personal data.
            return core.createIdentityLedger?.({ ...config, store, keyStore: config.keyStore ?? keysOf(store) });
          },
        }),
  };
};
