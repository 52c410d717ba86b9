import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { base62 } from '@idledger/core';
import { schemaVersionOf, type IdentityError } from '@idledger/core/domain';
import {
  createOrderedIndex,
  EventMetadataC,
  SESSION_STREAM_PREFIX,
  idFromStream,
  type EventStore,
  type GlobalPosition,
  type Page,
  type PageQuery,
  type RecordedEvent,
  type Subscription,
} from '@idledger/core/ledger';
import { decodeDeliveryEvent, deliveryEvents, DELIVERY_STREAM_PREFIX, type DeliveryEvent } from './delivery-events.js';
import { decodeEndpointEvent, endpointDecider, endpointEvents, ENDPOINT_STREAM_PREFIX, subscribes, type EndpointData, type EndpointEvent, type WebhookEventType } from './endpoint.js';
import type { OutboxCheckpointStore, OutboxState } from './outbox-checkpoint.js';
import { decodeStored, type StreamCodec } from './streams.js';

/**
 * The outbox: a projection of the committed log into Stripe Event objects, webhook endpoints and
 * the deliveries each event owes. An event exists only for a change that committed (it is
 * derived from the log, never from a request in flight), each event is owed to the endpoints
 * enabled for its type at the moment it committed, and a delivery stays pending until an
 * attempt recorded in the log succeeded or the attempts ran out. Everything is derived from the
 * log, so after a restart the projection follows it again from the start and finds the same
 * pending deliveries: nothing is lost, and an event keeps its id (derived from the ledger
 * event's id) however often it is sent.
 */

export const endpointCodec: StreamCodec<EndpointEvent> = {
  decode: decodeEndpointEvent,
  schemaVersion: schemaVersionOf(endpointEvents),
};
export const deliveryCodec: StreamCodec<DeliveryEvent> = {
  decode: decodeDeliveryEvent,
  schemaVersion: schemaVersionOf(deliveryEvents),
};

const STRIPE_TYPES: Readonly<Record<string, WebhookEventType>> = {
  VerificationSessionCreated: 'identity.verification_session.created',
  VerificationSessionSubmitted: 'identity.verification_session.processing',
  VerificationSessionVerified: 'identity.verification_session.verified',
  VerificationSessionChecksFailed: 'identity.verification_session.requires_input',
  VerificationSessionCanceled: 'identity.verification_session.canceled',
  VerificationSessionRedacted: 'identity.verification_session.redacted',
};

/** `evt_` + 24 base62 characters, the same for the same ledger event on every run. */
export const stripeEventId = (ledgerEventId: string): string =>
  `evt_${base62(createHash('sha256').update(`idledger:event:${ledgerEventId}`).digest(), 24)}`;

export interface EventRow {
  readonly id: string;
  readonly type: WebhookEventType;
  readonly created: number;
  readonly livemode: boolean;
  readonly sessionId: string;
  readonly sessionRevision: bigint;
  readonly request: { readonly id: string | null; readonly idempotency_key: string | null };
  readonly position: bigint;
}

export interface EndpointRow {
  readonly endpoint: EndpointData;
  readonly position: bigint;
  readonly revision: bigint;
}

export interface DeliveryRow {
  readonly eventId: string;
  readonly endpointId: string;
  readonly attempts: number;
  readonly lastAttemptMs: number | null;
  readonly succeeded: boolean;
}

export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly stream: string;
  readonly revision: bigint;
}

export interface OutboxConfig {
  readonly store: EventStore;
  /** A pending delivery stops being retried after this many attempts. */
  readonly maxAttempts: number;
  /** Told about undecodable events and failed subscriptions (which are retried). */
  readonly onError: (error: unknown) => void;
  /**
   * Where to keep the outbox's checkpoint (its rows and position), saved after every
   * `checkpointEvery` events folded in and when it stops. Without it the outbox follows the log
   * from its first event at every start.
   */
  readonly checkpoint?: OutboxCheckpointStore;
  /** Default 1000. */
  readonly checkpointEvery?: number;
}

export type WebhookOutbox = ReturnType<typeof createWebhookOutbox>;

const RESUBSCRIBE_MS = { initial: 100, max: 10_000 };

export const createWebhookOutbox = (config: OutboxConfig) => {
  const endpoints = createOrderedIndex<EndpointRow>((row) => ({ created: row.endpoint.created, position: row.position }), (row) => row.endpoint.livemode);
  const events = createOrderedIndex<EventRow>((row) => row, (row) => row.livemode);
  const deliveries = new Map<string, DeliveryRow>();
  const deliveriesByEvent = new Map<string, string[]>();
  const pending = new Set<string>();
  const sessionModes = new Map<string, boolean>();
  const keys = new Map<string, IdempotencyRecord>();
  const listeners = new Set<() => void>();
  let waiters: Array<{ position: bigint; resolve: () => void }> = [];
  let applied: GlobalPosition | 'start' = 'start';
  let subscription: Subscription | undefined;
  let stopped = false;
  let sinceCheckpoint = 0;
  let lastApplied: OutboxState['last'] | undefined;

  /** Taken between two events (folding one is synchronous), so rows and position always agree. */
  const state = (position: bigint, last: OutboxState['last']): OutboxState => ({
    position,
    last,
    endpoints: endpoints.entries(),
    events: events.entries(),
    deliveries: [...deliveries.entries()],
    deliveriesByEvent: [...deliveriesByEvent.entries()],
    pending: [...pending],
    sessionModes: [...sessionModes.entries()],
    keys: [...keys.entries()],
  });

  const saveCheckpoint = () => {
    if (config.checkpoint === undefined || applied === 'start' || lastApplied === undefined || sinceCheckpoint === 0) return;
    try {
      config.checkpoint.save(state(applied, lastApplied));
      sinceCheckpoint = 0;
    } catch (error) {
      config.onError(error);
    }
  };

  const restore = (saved: OutboxState) => {
    for (const [id, row] of saved.endpoints) endpoints.upsert(id, row);
    for (const [id, row] of saved.events) events.upsert(id, row);
    for (const [key, row] of saved.deliveries) deliveries.set(key, row);
    for (const [id, keysOfEvent] of saved.deliveriesByEvent) deliveriesByEvent.set(id, [...keysOfEvent]);
    for (const key of saved.pending) pending.add(key);
    for (const [id, mode] of saved.sessionModes) sessionModes.set(id, mode);
    for (const [key, record] of saved.keys) keys.set(key, record);
    applied = saved.position;
    lastApplied = saved.last;
  };

  /** A checkpoint is used only if the log still holds, at its revision, the very event it ends with. */
  const ofThisLog = async (saved: OutboxState): Promise<boolean> => {
    const events = await config.store.readStream(saved.last.stream, { fromRevision: saved.last.revision, maxCount: 1 })();
    const found = E.isRight(events) ? events.right[0] : undefined;
    return found !== undefined && found.id === saved.last.eventId && found.revision === saved.last.revision && found.position === saved.position;
  };

  const deliveryKey = (eventId: string, endpointId: string) => `${eventId}.${endpointId}`;

  const applySession = (recorded: RecordedEvent) => {
    const metadata = EventMetadataC.decode(recorded.metadata);
    if (E.isLeft(metadata)) return config.onError(new Error(`invalid metadata on ${recorded.streamName}@${recorded.revision}`));
    const sessionId = idFromStream(recorded.streamName);
    if (recorded.type === 'VerificationSessionCreated') {
      const livemode = (recorded.data as { livemode?: unknown } | null)?.livemode;
      sessionModes.set(sessionId, livemode === true);
    }
    const type = STRIPE_TYPES[recorded.type];
    const livemode = sessionModes.get(sessionId);
    if (type === undefined || livemode === undefined) return;
    const { actor, request_id, idempotency_key, occurred_at } = metadata.right;
    const row: EventRow = {
      id: stripeEventId(recorded.id),
      type,
      created: Math.floor(Date.parse(occurred_at) / 1000),
      livemode,
      sessionId,
      sessionRevision: recorded.revision,
      request: actor.type === 'api_key' ? { id: request_id, idempotency_key: idempotency_key ?? null } : { id: null, idempotency_key: null },
      position: recorded.position,
    };
    events.upsert(row.id, row);
    const owed: string[] = [];
    for (const { endpoint } of enabledFor(livemode, type)) {
      const key = deliveryKey(row.id, endpoint.id);
      deliveries.set(key, { eventId: row.id, endpointId: endpoint.id, attempts: 0, lastAttemptMs: null, succeeded: false });
      pending.add(key);
      owed.push(key);
    }
    deliveriesByEvent.set(row.id, owed);
  };

  const enabledFor = (livemode: boolean, type: string): ReadonlyArray<EndpointRow> => {
    const page = endpoints.page({ livemode, limit: Number.MAX_SAFE_INTEGER }, 'webhook endpoint', ({ endpoint }) => !endpoint.deleted && endpoint.status === 'enabled' && subscribes(endpoint, type));
    return E.isRight(page) ? page.right.data : [];
  };

  const applyEndpoint = (recorded: RecordedEvent) => {
    const stored = decodeStored(endpointCodec, recorded);
    if (E.isLeft(stored)) return config.onError(new Error(stored.left));
    const { event, metadata } = stored.right;
    const id = idFromStream(recorded.streamName);
    const current = endpoints.get(id);
    const state = endpointDecider.evolve(current === undefined ? endpointDecider.initialState : { _tag: 'Existing', endpoint: current.endpoint }, event);
    if (state._tag === 'Existing') endpoints.upsert(id, { endpoint: state.endpoint, position: current?.position ?? recorded.position, revision: recorded.revision });
    // A deleted endpoint is owed nothing more.
    if (state._tag === 'Existing' && state.endpoint.deleted) for (const key of [...pending]) if (key.endsWith(`.${id}`)) pending.delete(key);
    if (metadata.idempotency_key !== undefined && metadata.request_fingerprint !== undefined) {
      const livemode = endpoints.get(id)?.endpoint.livemode ?? false;
      keys.set(`${livemode ? 'live' : 'test'}:${metadata.idempotency_key}`, {
        fingerprint: metadata.request_fingerprint,
        stream: recorded.streamName,
        revision: recorded.revision,
      });
    }
  };

  const applyDelivery = (recorded: RecordedEvent) => {
    const stored = decodeStored(deliveryCodec, recorded);
    if (E.isLeft(stored)) return config.onError(new Error(stored.left));
    const attempt = stored.right.event.data;
    const key = deliveryKey(attempt.event, attempt.endpoint);
    const current = deliveries.get(key);
    if (current === undefined) return;
    const next: DeliveryRow = {
      ...current,
      attempts: Math.max(current.attempts, attempt.attempt),
      lastAttemptMs: attempt.attempted_at_ms,
      succeeded: current.succeeded || attempt.succeeded,
    };
    deliveries.set(key, next);
    if (next.succeeded || next.attempts >= config.maxAttempts) pending.delete(key);
  };

  const apply = (recorded: RecordedEvent) => {
    if (recorded.streamName.startsWith(SESSION_STREAM_PREFIX)) applySession(recorded);
    else if (recorded.streamName.startsWith(ENDPOINT_STREAM_PREFIX)) applyEndpoint(recorded);
    else if (recorded.streamName.startsWith(DELIVERY_STREAM_PREFIX)) applyDelivery(recorded);
    applied = recorded.position;
    lastApplied = { stream: recorded.streamName, revision: recorded.revision, eventId: recorded.id };
    if (++sinceCheckpoint >= (config.checkpointEvery ?? 1000)) saveCheckpoint();
    const ready = waiters.filter((waiter) => waiter.position <= recorded.position);
    waiters = waiters.filter((waiter) => waiter.position > recorded.position);
    for (const waiter of ready) waiter.resolve();
  };

  /** Follows the log until stopped; a failed subscription resumes from the checkpoint with backoff. */
  const follow = async (caughtUp: () => void) => {
    let backoff = RESUBSCRIBE_MS.initial;
    while (!stopped) {
      subscription = config.store.subscribeToAll({
        from: applied,
        filter: { streamPrefixes: [SESSION_STREAM_PREFIX, ENDPOINT_STREAM_PREFIX, DELIVERY_STREAM_PREFIX] },
      });
      try {
        for await (const message of subscription) {
          if (message._tag === 'CaughtUp') caughtUp();
          else apply(message.event);
          if (message._tag === 'Event' && pending.size > 0) for (const listener of listeners) listener();
          backoff = RESUBSCRIBE_MS.initial;
        }
        return;
      } catch (error) {
        if (stopped) return;
        config.onError(error);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, RESUBSCRIBE_MS.max);
      }
    }
  };

  return {
    /** Resolves once the log committed so far has been folded in. */
    start: async () => {
      const saved = config.checkpoint?.load();
      if (saved !== undefined) {
        if (await ofThisLog(saved)) restore(saved);
        else config.onError(new Error('the webhook outbox checkpoint does not belong to this log (a replaced or restored ledger file?) and is ignored'));
      }
      await new Promise<void>((resolve) => void follow(resolve));
    },
    stop: async () => {
      stopped = true;
      await subscription?.close();
      saveCheckpoint();
      for (const waiter of waiters) waiter.resolve();
      waiters = [];
    },
    /** The checkpoint: the position of the last event folded in. */
    checkpoint: () => applied,
    waitFor: (position: GlobalPosition): Promise<void> =>
      applied !== 'start' && position <= applied ? Promise.resolve() : new Promise((resolve) => waiters.push({ position, resolve })),
    /** Called after new events were folded in while deliveries are pending. */
    onPending: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    endpoint: (id: string, livemode: boolean): EndpointRow | undefined => {
      const row = endpoints.get(id);
      return row !== undefined && row.endpoint.livemode === livemode && !row.endpoint.deleted ? row : undefined;
    },
    endpoints: (query: PageQuery): E.Either<IdentityError, Page<EndpointRow>> => endpoints.page(query, 'webhook endpoint', (row) => !row.endpoint.deleted),
    event: (id: string, livemode: boolean): EventRow | undefined => {
      const row = events.get(id);
      return row !== undefined && row.livemode === livemode ? row : undefined;
    },
    events: (query: PageQuery, matches: (row: EventRow) => boolean): E.Either<IdentityError, Page<EventRow>> => events.page(query, 'event', matches),
    deliveriesOf: (eventId: string): ReadonlyArray<DeliveryRow> =>
      (deliveriesByEvent.get(eventId) ?? []).flatMap((key) => {
        const row = deliveries.get(key);
        return row === undefined ? [] : [row];
      }),
    pendingDeliveries: (): ReadonlyArray<DeliveryRow> => [...pending].flatMap((key) => deliveries.get(key) ?? []),
    /** For the endpoint writers: the earlier request made with an idempotency key, if any. */
    idempotencyRecord: (key: string, livemode: boolean): IdempotencyRecord | undefined => keys.get(`${livemode ? 'live' : 'test'}:${key}`),
    /** The endpoint by id whatever its mode or state (the delivery worker signs with its secret). */
    endpointForDelivery: (id: string): EndpointData | undefined => endpoints.get(id)?.endpoint,
  };
};
