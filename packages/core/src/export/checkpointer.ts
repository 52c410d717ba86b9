import * as E from 'fp-ts/lib/Either.js';
import { signCheckpoint, type LogCheckpointDeps, type LogCheckpointError } from './log-checkpoint.js';

/**
 * Signs checkpoints on a schedule: when the log has grown by `everyEvents`, or `everyMs` after
 * the last one if the log grew at all. A checkpoint's own `CheckpointSigned` event does not count
 * as growth, so an idle ledger is not checkpointed over and over.
 */
export interface CheckpointSchedule {
  readonly everyEvents?: number;
  readonly everyMs?: number;
}

export interface Checkpointer {
  /** Signs one now (also what the schedule calls); resolves when it is recorded. */
  readonly checkpointNow: () => Promise<E.Either<LogCheckpointError, bigint>>;
  readonly stop: () => Promise<void>;
}

export const startCheckpointer = (
  deps: {
    /** Asked at each signing, so a rotated signing key is used from the next checkpoint on. */
    readonly log: () => LogCheckpointDeps;
    readonly eventCount: () => number;
    readonly onError: (error: LogCheckpointError) => void;
  },
  schedule: CheckpointSchedule,
): Checkpointer => {
  if (schedule.everyEvents !== undefined && !(Number.isInteger(schedule.everyEvents) && schedule.everyEvents > 0)) throw new RangeError('checkpoints.everyEvents must be a positive integer');
  if (schedule.everyMs !== undefined && !(Number.isFinite(schedule.everyMs) && schedule.everyMs > 0)) throw new RangeError('checkpoints.everyMs must be a positive number of milliseconds');
  let signedAtCount = -1;
  let signedAt = Date.now();
  let running: Promise<unknown> = Promise.resolve();

  const checkpointNow = (): Promise<E.Either<LogCheckpointError, bigint>> => {
    const next = running.then(async () => {
      const signed = await signCheckpoint(deps.log());
      if (E.isRight(signed)) {
        signedAtCount = Number(signed.right.size) + 1;
        signedAt = Date.now();
      }
      return E.map((checkpoint: { readonly size: bigint }) => checkpoint.size)(signed);
    });
    running = next.catch(() => undefined);
    return next;
  };

  const due = () => {
    const count = deps.eventCount();
    const grown = count - Math.max(signedAtCount, 0);
    if (signedAtCount >= 0 && grown <= 0) return false;
    if (schedule.everyEvents !== undefined && grown >= schedule.everyEvents) return true;
    return schedule.everyMs !== undefined && Date.now() - signedAt >= schedule.everyMs && count > 0;
  };

  const tickMs = Math.min(schedule.everyMs ?? 1000, 1000);
  const timer = schedule.everyEvents === undefined && schedule.everyMs === undefined ? undefined : setInterval(() => {
    if (!due()) return;
    void checkpointNow().then((result) => {
      if (E.isLeft(result)) deps.onError(result.left);
    });
  }, tickMs);
  timer?.unref();

  return {
    checkpointNow,
    stop: async () => {
      if (timer !== undefined) clearInterval(timer);
      await running;
    },
  };
};
