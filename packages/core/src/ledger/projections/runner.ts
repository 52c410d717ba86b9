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
}

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
      const decoded = deps.serializer.deserialize(message.event);
      if (E.isRight(decoded)) batch.push(decoded.right);
      else deps.onUndecodable?.(decoded.left, message.event.position);
      lastSeen = message.event.position;
      // Catch-up applies in batches; live events are applied as they come, so readers never wait on a batch.
      if (live || batch.length >= batchSize) await flush();
    }
    await flush();
  };

  return {
    start: async () => {
      if (loop !== undefined) return;
      applied = await deps.readModel.checkpoint();
      subscription = deps.store.subscribeToAll({ from: applied, filter: { streamPrefixes: PROJECTED_STREAM_PREFIXES } });
      await new Promise<void>((resolve, reject) => {
        loop = follow(subscription!, resolve).catch((error: unknown) => {
          failure = error;
          release();
          reject(error);
        });
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
      await subscription?.close();
      await loop;
      // A write still waiting to become readable will not be: it is committed, the view is closed.
      for (const waiter of waiters.splice(0)) waiter.reject({ _tag: 'RunnerStopped', reason: 'the ledger was closed before the write was projected' });
    },
  };
};
