import * as E from 'fp-ts/lib/Either.js';
import type { LedgerEvent } from '../envelope.js';
import type { EventStore, GlobalPosition, Subscription } from '../event-store/port.js';
import type { DeserializeError, EventSerializer, LedgerDomainEvent } from '../serializer.js';
import { CUSTOMER_STREAM_PREFIX, SESSION_STREAM_PREFIX } from '../streams.js';
import type { ReadModel } from './read-model.js';

/**
 * Keeps a read model up with the log: catch up from its checkpoint, then follow live events.
 * Writers call `waitFor(position)` after an append, so a retrieve right after a write sees it.
 */

export interface ProjectionRunner {
  /** Resolves once every event committed before the call has been applied. */
  readonly start: () => Promise<void>;
  readonly waitFor: (position: GlobalPosition) => Promise<void>;
  readonly stop: () => Promise<void>;
}

export interface ProjectionRunnerDeps {
  readonly store: EventStore;
  readonly serializer: EventSerializer;
  readonly readModel: ReadModel;
  /** Events that cannot be decoded are reported here and skipped, so one bad record cannot stall every view. */
  readonly onUndecodable?: (error: DeserializeError, position: GlobalPosition) => void;
  readonly batchSize?: number;
  /** Called when the subscription fails after start; the runner resubscribes with backoff. */
  readonly onError?: (error: unknown) => void;
}

const RESUBSCRIBE_INITIAL_MS = 50;
const RESUBSCRIBE_MAX_MS = 5_000;

export const PROJECTED_STREAM_PREFIXES = [SESSION_STREAM_PREFIX, CUSTOMER_STREAM_PREFIX];

export const createProjectionRunner = (deps: ProjectionRunnerDeps): ProjectionRunner => {
  const batchSize = deps.batchSize ?? 100;
  let applied: GlobalPosition | 'start' = 'start';
  let subscription: Subscription | undefined;
  let loop: Promise<void> | undefined;
  let failure: unknown;
  const waiters: Array<{ position: GlobalPosition; resolve: () => void; reject: (error: unknown) => void }> = [];

  const release = () => {
    for (let index = waiters.length - 1; index >= 0; index--) {
      const waiter = waiters[index]!;
      if (failure !== undefined) waiter.reject(failure);
      else if (applied !== 'start' && waiter.position <= applied) waiter.resolve();
      else continue;
      waiters.splice(index, 1);
    }
  };

  const follow = async (sub: Subscription, caughtUp: () => void) => {
    let batch: Array<LedgerEvent<LedgerDomainEvent>> = [];
    let lastSeen: GlobalPosition | 'start' = applied;
    let live = false;
    const flush = async () => {
      if (batch.length > 0) await deps.readModel.apply(batch);
      batch = [];
      applied = lastSeen;
      release();
    };
    for await (const message of sub) {
      if (message._tag === 'CaughtUp') {
        await flush();
        live = true;
        caughtUp();
        continue;
      }
      const position = message.event.position;
      const known = deps.readModel.appliedThrough?.() ?? 'start';
      // Already applied (with its own append): nothing to decode or write, only to acknowledge.
      if (known === 'start' || position > known) {
        const decoded = deps.serializer.deserialize(message.event);
        if (E.isRight(decoded)) batch.push(decoded.right);
        else deps.onUndecodable?.(decoded.left, position);
      }
      lastSeen = position;
      // Catch-up applies in batches; live events are applied as they come, so readers never wait on a batch.
      if (live || batch.length >= batchSize) await flush();
    }
    await flush();
  };

  let stopped = false;
  let started = false;

  /**
   * Follows the log for as long as the runner lives. Before the first catch-up a failure fails
   * `start`; after it, a failed subscription (a busy file, a dropped connection) is retried from
   * the last applied position with backoff, so the views never stop following the log.
   */
  const followForever = async (caughtUp: () => void, failedToStart: (error: unknown) => void) => {
    let backoff = RESUBSCRIBE_INITIAL_MS;
    while (!stopped) {
      subscription = deps.store.subscribeToAll({ from: applied, filter: { streamPrefixes: PROJECTED_STREAM_PREFIXES } });
      try {
        await follow(subscription, () => {
          started = true;
          backoff = RESUBSCRIBE_INITIAL_MS;
          caughtUp();
        });
        return;
      } catch (error) {
        if (!started) {
          failure = error;
          release();
          return failedToStart(error);
        }
        deps.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, RESUBSCRIBE_MAX_MS);
      }
    }
  };

  return {
    start: async () => {
      if (loop !== undefined) return;
      applied = await deps.readModel.checkpoint();
      await new Promise<void>((resolve, reject) => {
        loop = followForever(resolve, reject);
      });
    },
    waitFor: (position) => {
      if (failure !== undefined) return Promise.reject(failure);
      if (applied !== 'start' && position <= applied) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ position, resolve, reject });
      });
    },
    stop: async () => {
      stopped = true;
      await subscription?.close();
      await loop;
      // A write still waiting to become readable will not be: it is committed, the view is closed.
      for (const waiter of waiters.splice(0)) waiter.reject({ _tag: 'RunnerStopped', reason: 'the ledger was closed before the write was projected' });
    },
  };
};
