/** The idledger event-store port on EventStoreDB. See docs/eventstoredb.md. */
import type { EventStore } from '@idledger/core/ledger';
import { connectWire } from './client.js';
import { createEventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './event-store.js';

export { createEventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './event-store.js';
export { connectWire, wireOnClient, storeErrorOf, type EsdbWire, type WireEvent } from './client.js';

export interface EventStoreDbConnectionOptions extends EventStoreDbEventStoreOptions {
  /**
   * `esdb://host:2113?tls=false` for one node, `esdb+discover://a:2113,b:2113,c:2113` for a
   * cluster (gossip discovery), with the client's TLS and connection options as query parameters
   * (`tls`, `tlsVerifyCert`, `tlsCAFile`, `nodePreference`, `keepAliveInterval`, `defaultDeadline`, …).
   */
  readonly connectionString: string;
}

/** Connects to EventStoreDB and returns the event-store port; `close()` releases the connection. */
export const connectEventStoreDb = ({ connectionString, ...options }: EventStoreDbConnectionOptions): EventStore => {
  const wire = connectWire(connectionString);
  try {
    return createEventStoreDbEventStore(wire, options);
  } catch (error) {
    // Refused options: release the connection the refused store would have owned.
    void wire.dispose();
    throw error;
  }
};
