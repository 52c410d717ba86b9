import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { IdentityError, EventStore } from '@idledger/core';
import type { Decider } from '@idledger/core/domain';
import type { CommandContext } from '@idledger/core/ledger';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { deliveryStream, type DeliveryEvent } from './delivery-events.js';
import { deliveryCodec, type DeliveryRow, type EventRow, type WebhookOutbox } from './outbox.js';
import type { EventObject } from './render.js';
import { signatureHeader } from './signature.js';
import { writeToStream } from './streams.js';

/**
 * Sends what the outbox says is owed: each pending delivery is POSTed to its endpoint, signed
 * afresh, and the attempt is recorded as an event whatever its outcome. A 2xx answer settles
 * it; otherwise it is tried again after an exponentially growing delay, until the outbox's
 * attempt limit. Each endpoint has its own few slots, so a slow or failing endpoint only ever
 * delays its own deliveries.
 */

export interface RetryPolicy {
  /** Wait before the second attempt; each later wait doubles. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface DeliveryWorkerConfig {
  readonly store: EventStore;
  readonly outbox: WebhookOutbox;
  readonly render: (row: EventRow) => TE.TaskEither<IdentityError, EventObject>;
  readonly retry: RetryPolicy;
  /** How long a receiver may take to answer. */
  readonly timeoutMs: number;
  /** Deliveries in flight to one endpoint at a time. */
  readonly concurrencyPerEndpoint: number;
  readonly clock: () => Date;
  readonly onError: (error: unknown) => void;
}

export const delayBeforeAttempt = (policy: RetryPolicy, attemptsSoFar: number): number =>
  attemptsSoFar === 0 ? 0 : Math.min(policy.initialDelayMs * 2 ** (attemptsSoFar - 1), policy.maxDelayMs);

type AttemptState = { readonly attempts: number; readonly succeeded: boolean };
type RecordAttempt = { readonly type: 'RecordAttempt'; readonly outcome: Omit<DeliveryEvent['data'], 'attempt'> };

/** An attempt is numbered from the log; once one succeeded, a late duplicate records nothing. */
const attemptDecider: Decider<RecordAttempt, AttemptState, DeliveryEvent> = {
  initialState: { attempts: 0, succeeded: false },
  evolve: (state, event) => ({ attempts: Math.max(state.attempts, event.data.attempt), succeeded: state.succeeded || event.data.succeeded }),
  decide: (command, state) =>
    E.right(state.succeeded ? [] : [{ type: 'WebhookDeliveryAttempted', data: { ...command.outcome, attempt: state.attempts + 1 } }]),
};

const SYSTEM_CONTEXT = (eventId: string): CommandContext => ({
  actor: { type: 'system', component: 'webhook_delivery' },
  requestId: null,
  correlationId: eventId,
  causationId: null,
});

const failureOf = (error: unknown): string => {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' ? code : 'network_error';
};

export const createDeliveryWorker = (config: DeliveryWorkerConfig) => {
  const write = writeToStream({ store: config.store, clock: config.clock, newEventId: randomUUID });
  const inFlight = new Map<string, Set<string>>();
  /**
   * Deliveries whose event could not be rendered or whose attempt could not be recorded (a store
   * failure): held back for a retry delay, so a persistent failure is retried, not spun on.
   */
  const held = new Map<string, number>();
  const sending = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** Aborts what is in flight on stop; those deliveries stay pending for the next start. */
  const shutdown = new AbortController();

  const slotsOf = (endpointId: string): Set<string> => {
    let slots = inFlight.get(endpointId);
    if (slots === undefined) inFlight.set(endpointId, (slots = new Set()));
    return slots;
  };

  const post = async (url: string, payload: string, secret: string): Promise<{ status: number | null; error: string | null }> => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'idledger-webhooks/0.1',
          'Stripe-Signature': signatureHeader(payload, secret, Math.floor(config.clock().getTime() / 1000)),
        },
        body: payload,
        signal: AbortSignal.any([AbortSignal.timeout(config.timeoutMs), shutdown.signal]),
        redirect: 'manual',
      });
      await response.body?.cancel();
      return { status: response.status, error: null };
    } catch (error) {
      return { status: null, error: failureOf(error) };
    }
  };

  const attempt = async (delivery: DeliveryRow): Promise<void> => {
    const endpoint = config.outbox.endpointForDelivery(delivery.endpointId);
    const row = config.outbox.event(delivery.eventId, endpoint?.livemode ?? false);
    if (endpoint === undefined || row === undefined) return;
    const holdBack = (message: string) => {
      held.set(`${delivery.eventId}.${delivery.endpointId}`, config.clock().getTime() + config.retry.initialDelayMs);
      config.onError(new Error(message));
    };
    const rendered = await config.render(row)();
    if (E.isLeft(rendered)) return holdBack(`event ${row.id} could not be rendered: ${rendered.left.message}`);
    const started = config.clock().getTime();
    const { status, error } = await post(endpoint.url, JSON.stringify(rendered.right, null, 2), endpoint.secret);
    if (stopped) return;
    const outcome = {
      event: delivery.eventId,
      endpoint: delivery.endpointId,
      attempted_at_ms: started,
      status_code: status,
      error,
      succeeded: status !== null && status >= 200 && status < 300,
    };
    const recorded = await write(attemptDecider, deliveryCodec, deliveryStream(delivery.eventId, delivery.endpointId), { type: 'RecordAttempt', outcome }, SYSTEM_CONTEXT(delivery.eventId))();
    if (E.isLeft(recorded)) return holdBack(`delivery attempt of ${row.id} could not be recorded: ${recorded.left.message}`);
    held.delete(`${delivery.eventId}.${delivery.endpointId}`);
    if (recorded.right.position !== null) await config.outbox.waitFor(recorded.right.position);
  };

  /** Starts every due delivery that has a free slot, then sleeps until the next one falls due. */
  const kick = (): void => {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const now = config.clock().getTime();
    let nextDue = Number.POSITIVE_INFINITY;
    for (const delivery of config.outbox.pendingDeliveries()) {
      const endpoint = config.outbox.endpointForDelivery(delivery.endpointId);
      if (endpoint === undefined || endpoint.deleted || endpoint.status !== 'enabled') continue;
      const slots = slotsOf(delivery.endpointId);
      if (slots.has(delivery.eventId)) continue;
      const due = Math.max((delivery.lastAttemptMs ?? now) + delayBeforeAttempt(config.retry, delivery.attempts), held.get(`${delivery.eventId}.${delivery.endpointId}`) ?? 0);
      if (due > now) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      if (slots.size >= config.concurrencyPerEndpoint) continue;
      slots.add(delivery.eventId);
      const sent: Promise<void> = attempt(delivery)
        .catch((error: unknown) => config.onError(error))
        .finally(() => {
          slots.delete(delivery.eventId);
          sending.delete(sent);
          kick();
        });
      sending.add(sent);
    }
    if (Number.isFinite(nextDue)) timer = setTimeout(kick, Math.max(0, nextDue - now));
  };

  let unsubscribe: (() => void) | undefined;
  return {
    start: () => {
      unsubscribe = config.outbox.onPending(kick);
      kick();
    },
    stop: async () => {
      stopped = true;
      unsubscribe?.();
      if (timer !== undefined) clearTimeout(timer);
      shutdown.abort();
      await Promise.allSettled([...sending]);
    },
    /** Resolves when no delivery is in flight and none is due now (later retries may remain). */
    whenIdle: async () => {
      while (sending.size > 0) await Promise.allSettled([...sending]);
    },
  };
};
