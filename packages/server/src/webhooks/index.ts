import { randomUUID } from 'node:crypto';
import type { IdentityLedger } from '@idledger/core';
import type { Route } from '../http/routes.js';
import { createDeliveryWorker, type RetryPolicy } from './delivery.js';
import { endpointRoutes } from './endpoint-routes.js';
import { eventRoutes } from './event-routes.js';
import { createWebhookOutbox } from './outbox.js';
import { fileCheckpointStore } from './outbox-checkpoint.js';
import { renderEvent } from './render.js';

export interface WebhooksConfig {
  readonly ledger: IdentityLedger;
  /** Default: first retry after 60 s, each wait doubling up to 1 h. */
  readonly retry?: Partial<RetryPolicy>;
  /** Attempts per delivery before it is given up (default 8). */
  readonly maxAttempts?: number;
  /** How long a receiver may take to answer (default 10 s). */
  readonly timeoutMs?: number;
  /** Deliveries in flight to one endpoint at a time (default 4). */
  readonly concurrencyPerEndpoint?: number;
  readonly clock?: () => Date;
  /** Undecodable events, failed subscriptions, attempts that could not be recorded. Never given secrets or payloads. */
  readonly onError?: (error: unknown) => void;
  /**
   * A file for the outbox's checkpoint (its rows and the log position they reach), so a restart
   * resumes from there instead of re-reading the whole log. `idledger serve` keeps it beside the
   * ledger file. Without it the outbox starts from the log's first event every time.
   */
  readonly checkpointFile?: string;
  /** Events folded in between two checkpoint saves (default 1000); it is also saved on stop. */
  readonly checkpointEvery?: number;
}

export interface Webhooks {
  /** `/v1/webhook_endpoints` and `/v1/events`, to serve beside the Identity API. */
  readonly routes: ReadonlyArray<Route>;
  /** Resolves when nothing is being sent (deliveries waiting for a retry may remain). */
  readonly whenIdle: () => Promise<void>;
  readonly stop: () => Promise<void>;
}

/**
 * Starts the webhook outbox on the ledger's store (caught up before it resolves) and its
 * delivery worker.
 */
export const startWebhooks = async (config: WebhooksConfig): Promise<Webhooks> => {
  const clock = config.clock ?? (() => new Date());
  const onError = config.onError ?? (() => undefined);
  const store = config.ledger.store;
  const outbox = createWebhookOutbox({
    store,
    maxAttempts: config.maxAttempts ?? 8,
    onError,
    ...(config.checkpointFile === undefined ? {} : { checkpoint: fileCheckpointStore(config.checkpointFile, onError) }),
    ...(config.checkpointEvery === undefined ? {} : { checkpointEvery: config.checkpointEvery }),
  });
  await outbox.start();
  const render = renderEvent(config.ledger, outbox);
  const worker = createDeliveryWorker({
    store,
    outbox,
    render,
    retry: { initialDelayMs: config.retry?.initialDelayMs ?? 60_000, maxDelayMs: config.retry?.maxDelayMs ?? 3_600_000 },
    timeoutMs: config.timeoutMs ?? 10_000,
    concurrencyPerEndpoint: config.concurrencyPerEndpoint ?? 4,
    clock,
    onError,
  });
  worker.start();
  return {
    routes: [...endpointRoutes({ store, clock, newEventId: randomUUID, outbox, fingerprint: config.ledger.requestFingerprint }), ...eventRoutes(outbox, render)],
    whenIdle: worker.whenIdle,
    stop: async () => {
      await worker.stop();
      await outbox.stop();
    },
  };
};
