import { createMemoryKeyStore, type KeyStore } from '../ledger/personal-data/key-store.js';
import { sealingPersonalData } from '../ledger/personal-data/sealed-data.js';
import { createEventSerializer, type EventSerializer } from '../ledger/serializer.js';
import type { EventStore } from '../ledger/event-store/port.js';

/**
 * Tests hand one store to several ledgers and readers; all of them must share the data keys that
 * seal its personal data, as they would share a key file in production.
 */
const keysByStore = new WeakMap<EventStore, KeyStore>();

export const keysOf = (store: EventStore): KeyStore => {
  const known = keysByStore.get(store);
  if (known !== undefined) return known;
  const keys = createMemoryKeyStore();
  keysByStore.set(store, keys);
  return keys;
};

/** Decodes the events of `store` as its ledgers do, personal data included. */
export const serializerFor = (store: EventStore): EventSerializer => createEventSerializer(sealingPersonalData(keysOf(store)));

/** A copy of a store's events opens with the original's keys. */
export const shareKeys = (original: EventStore, copy: EventStore): void => {
  keysByStore.set(copy, keysOf(original));
};
