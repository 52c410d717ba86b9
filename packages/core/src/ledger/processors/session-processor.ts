import * as E from 'fp-ts/lib/Either.js';
import type { IdentityError } from '../../domain/errors.js';
import type { VerificationSessionCommand } from '../../domain/verification-session/commands.js';
import type { TestOutcome, VerificationSessionEvent } from '../../domain/verification-session/events.js';
import type { SessionData } from '../../domain/verification-session/state.js';
import type { EventStore, GlobalPosition, Subscription } from '../event-store/port.js';
import type { KeyStoreError } from '../personal-data/key-store.js';
import type { EventSerializer } from '../serializer.js';
import { PROJECTED_STREAM_PREFIXES } from '../projections/runner.js';
import { SESSION_STREAM_PREFIX, idFromStream } from '../streams.js';
import type { Verifier, VerifierFailure } from '../verifier.js';

/**
 * The work that follows a session's events without a caller: checking a submission, and
 * completing a redaction. Pending work is derived from the log alone, so after a crash a
 * session found in processing with no outcome is simply checked again; the decider ignores an
 * outcome for an attempt that already has one, so a second run never makes a second report.
 */

/** The event that made the work necessary: its id becomes the causation id, its correlation is kept. */
export interface Cause {
  readonly eventId: string;
  readonly correlationId: string;
}

type Job =
  | {
      readonly kind: 'verify';
      readonly attempt: number;
      readonly delayed: boolean;
      readonly cause: Cause;
      /** The outcome chosen with the submission (test mode): it lives in the submission event alone. */
      readonly testOutcome: TestOutcome | undefined;
      readonly source: 'end_user' | undefined;
    }
  | { readonly kind: 'complete_redaction'; readonly cause: Cause };

export interface SessionProcessorDeps {
  readonly store: EventStore;
  readonly serializer: EventSerializer;
  readonly verifier: Verifier;
  readonly clock: () => Date;
  readonly newReportId: () => string;
  readonly execute: (command: VerificationSessionCommand, cause: Cause) => Promise<E.Either<IdentityError, unknown>>;
  readonly loadSession: (id: string) => Promise<E.Either<IdentityError, SessionData | undefined>>;
  /** Deletes the files the end user uploaded for the session (idempotent): done before the key is destroyed. */
  readonly deleteFiles: (sessionId: string) => Promise<E.Either<IdentityError, void>>;
  /**
   * Left while a legal hold keeps the session's data: checked again just before anything is
   * erased, since a hold may have been placed after the redaction was accepted.
   */
  readonly erasureAllowed: (sessionId: string) => Promise<E.Either<IdentityError, void>>;
  /** Destroys the session's data keys (idempotent): done before the redaction is recorded as complete. */
  readonly erasePersonalData: (sessionId: string) => Promise<E.Either<IdentityError | KeyStoreError, void>>;
  /** How long `simulate_delay` keeps a test session in processing. */
  readonly simulatedDelayMs: number;
  readonly redactionDelayMs: number;
  readonly retry: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly onError: (error: IdentityError | VerifierFailure | KeyStoreError, sessionId: string) => void;
  /** Called when the subscription fails after start; the processor resubscribes with backoff. */
  readonly onSubscriptionError?: (error: unknown) => void;
}

export interface SessionProcessor {
  readonly start: () => Promise<void>;
  /** Resolves when every event up to `position` has been seen and all work it caused is done. */
  readonly settle: (position: GlobalPosition | 'start') => Promise<void>;
  readonly stop: () => Promise<void>;
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The events after which the processor has work to do for a session, and those that end it. */
type Starting = Extract<VerificationSessionEvent, { readonly type: 'VerificationSessionSubmitted' | 'VerificationSessionRedactionRequested' }>;

/** The job an event starts, and under which name it waits (`<sessionId>:verify` or `:redact`). */
const jobStartedBy = (event: Starting, cause: Cause): readonly ['verify' | 'redact', Job] => {
  switch (event.type) {
    case 'VerificationSessionSubmitted':
      return [
        'verify',
        {
          kind: 'verify',
          attempt: event.data.attempt,
          delayed: event.data.simulate_delay === true,
          cause,
          testOutcome: event.data.test_outcome,
          source: event.data.source,
        },
      ];
    case 'VerificationSessionRedactionRequested':
      return ['redact', { kind: 'complete_redaction', cause }];
  }
};
const WORK_STARTED_BY: ReadonlySet<string> = new Set<Starting['type']>(['VerificationSessionSubmitted', 'VerificationSessionRedactionRequested']);
const WORK_ENDED_BY: ReadonlyMap<string, 'verify' | 'redact'> = new Map([
  ['VerificationSessionVerified', 'verify'],
  ['VerificationSessionChecksFailed', 'verify'],
  ['VerificationSessionRedacted', 'redact'],
]);

export const createSessionProcessor = (deps: SessionProcessorDeps): SessionProcessor => {
  const pending = new Map<string, Job>();
  const running = new Map<string, Promise<void>>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let seen: GlobalPosition | 'start' = 'start';
  let live = false;
  let stopped = false;
  let subscription: Subscription | undefined;
  let loop: Promise<void> | undefined;
  const seenWaiters: Array<{ position: GlobalPosition; resolve: () => void }> = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || stopped) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });

  const verify = async (sessionId: string, job: Extract<Job, { kind: 'verify' }>) => {
    if (job.delayed) await sleep(deps.simulatedDelayMs);
    let backoff = deps.retry.initialDelayMs;
    // Every failure (store, verifier, or recording the outcome) waits and tries again: an
    // outcome must never be dropped while the session is still waiting for it.
    const retryLater = async (error: IdentityError | VerifierFailure) => {
      deps.onError(error, sessionId);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, deps.retry.maxDelayMs);
    };
    while (!stopped) {
      const loaded = await deps.loadSession(sessionId);
      if (E.isLeft(loaded)) {
        await retryLater(loaded.left);
        continue;
      }
      const session = loaded.right;
      if (session === undefined || session.status !== 'processing' || session.attempt !== job.attempt) return;
      const submitted = await deps.verifier.verify({
        session,
        attempt: job.attempt,
        reportId: deps.newReportId(),
        now: unixSeconds(deps.clock()),
        ...(job.testOutcome === undefined ? {} : { testOutcome: job.testOutcome }),
        ...(job.source === undefined ? {} : { source: job.source }),
      })();
      if (E.isRight(submitted)) {
        const recorded = await deps.execute({
          type: 'RecordVerificationOutcome',
          sessionId,
          attempt: job.attempt,
          now: unixSeconds(deps.clock()),
          outcome: submitted.right,
        }, job.cause);
        if (E.isRight(recorded)) return;
        await retryLater(recorded.left);
        continue;
      }
      await retryLater(submitted.left);
    }
  };

  const completeRedaction = async (sessionId: string, cause: Cause) => {
    await sleep(deps.redactionDelayMs);
    let backoff = deps.retry.initialDelayMs;
    while (!stopped) {
      // The files and the key go first, so a recorded `VerificationSessionRedacted` always means
      // the data is gone or unreadable. Deleting or erasing twice and completing an already
      // completed redaction all do nothing, so a retry is always safe.
      const allowed = await deps.erasureAllowed(sessionId);
      const deleted = E.isLeft(allowed) ? allowed : await deps.deleteFiles(sessionId);
      const erased: E.Either<IdentityError | KeyStoreError, void> = E.isLeft(deleted) ? deleted : await deps.erasePersonalData(sessionId);
      const done: E.Either<IdentityError | KeyStoreError, unknown> = E.isLeft(erased)
        ? erased
        : await deps.execute({ type: 'CompleteRedaction', sessionId, now: unixSeconds(deps.clock()) }, cause);
      if (E.isRight(done)) return;
      deps.onError(done.left, sessionId);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, deps.retry.maxDelayMs);
    }
  };

  const launch = (key: string, job: Job) => {
    if (running.has(key)) return;
    const sessionId = key.slice(0, key.lastIndexOf(':'));
    const work = (job.kind === 'verify' ? verify(sessionId, job) : completeRedaction(sessionId, job.cause)).finally(() => {
      running.delete(key);
      // A newer submission may have arrived while this one was still finishing.
      const next = pending.get(key);
      if (!stopped && live && next !== undefined && next !== job) launch(key, next);
    });
    running.set(key, work);
  };

  const launchPending = () => {
    for (const [key, job] of pending) launch(key, job);
  };

  const markSeen = (position: GlobalPosition | 'start') => {
    seen = position;
    for (let index = seenWaiters.length - 1; index >= 0; index--) {
      const waiter = seenWaiters[index]!;
      if (seen !== 'start' && waiter.position <= seen) {
        waiter.resolve();
        seenWaiters.splice(index, 1);
      }
    }
  };

  const follow = async (sub: Subscription, caughtUp: () => void) => {
    for await (const message of sub) {
      if (message._tag === 'CaughtUp') {
        live = true;
        launchPending();
        caughtUp();
        continue;
      }
      const { event } = message;
      if (event.streamName.startsWith(SESSION_STREAM_PREFIX)) {
        const sessionId = idFromStream(event.streamName);
        const ended = WORK_ENDED_BY.get(event.type);
        // Only the events that start work are decoded (and their personal data opened); the
        // type alone says that work is done.
        if (ended !== undefined) pending.delete(`${sessionId}:${ended}`);
        else if (WORK_STARTED_BY.has(event.type)) {
          const decoded = deps.serializer.deserialize(event);
          if (E.isRight(decoded)) {
            const [name, job] = jobStartedBy(decoded.right.event as Starting, { eventId: event.id, correlationId: decoded.right.envelope.correlationId });
            pending.set(`${sessionId}:${name}`, job);
            if (live) launchPending();
          }
        }
      }
      markSeen(event.position);
    }
  };

  /**
   * Before the first catch-up a failure fails `start`; after it, a failed subscription is retried
   * from the last position seen, with backoff, keeping the pending work already found.
   */
  const followForever = async (caughtUp: () => void, failedToStart: (error: unknown) => void) => {
    let started = false;
    let backoff = deps.retry.initialDelayMs;
    while (!stopped) {
      // Customer events cause no work, but following them too lets `settle` reach any position the API wrote.
      subscription = deps.store.subscribeToAll({ from: seen, filter: { streamPrefixes: PROJECTED_STREAM_PREFIXES } });
      try {
        await follow(subscription, () => {
          started = true;
          backoff = deps.retry.initialDelayMs;
          caughtUp();
        });
        return;
      } catch (error) {
        if (!started) return failedToStart(error);
        deps.onSubscriptionError?.(error);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, deps.retry.maxDelayMs);
      }
    }
  };

  return {
    start: async () => {
      if (loop !== undefined) return;
      await new Promise<void>((resolve, reject) => {
        loop = followForever(resolve, reject);
      });
    },
    settle: async (position) => {
      if (position !== 'start' && (seen === 'start' || seen < position)) {
        await new Promise<void>((resolve) => seenWaiters.push({ position, resolve }));
      }
      while (running.size > 0) await Promise.all([...running.values()]);
    },
    stop: async () => {
      stopped = true;
      // A stopped processor ends its waits at once; the work they delay is found again at the next start.
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
      for (const waiter of seenWaiters.splice(0)) waiter.resolve();
      await subscription?.close();
      await loop;
      await Promise.all([...running.values()]);
    },
  };
};
