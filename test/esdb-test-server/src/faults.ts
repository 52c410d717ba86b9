import { status } from '@grpc/grpc-js';

/**
 * Faults the test server can inject, per gRPC method: fail the next calls with a status (before
 * the work, or after it, so a write is committed but its acknowledgement lost), and delay calls.
 * Dropping connections is the proxy's job (proxy.ts).
 */

export type ServedMethod = 'read' | 'append' | 'batchAppend' | 'delete' | 'tombstone' | 'getSupportedMethods';

export interface InjectedFailure {
  readonly code: status;
  readonly message: string;
  /** Do the work first (commit the write), then answer with the failure instead of the result. */
  readonly afterCommit: boolean;
}

export interface FailureSpec {
  readonly code?: status;
  readonly message?: string;
  readonly afterCommit?: boolean;
  /** How many of the next calls fail. Default 1. */
  readonly times?: number;
}

export const createFaults = () => {
  const failures = new Map<ServedMethod, InjectedFailure[]>();
  const delays = new Map<ServedMethod, number>();
  return {
    failNext: (method: ServedMethod, spec: FailureSpec = {}): void => {
      const queue = failures.get(method) ?? [];
      const failure: InjectedFailure = {
        code: spec.code ?? status.UNAVAILABLE,
        message: spec.message ?? `injected failure of ${method}`,
        afterCommit: spec.afterCommit ?? false,
      };
      for (let i = 0; i < (spec.times ?? 1); i++) queue.push(failure);
      failures.set(method, queue);
    },
    /** Delays every call of `method` by `ms` before it is served; 0 removes the delay. */
    delay: (method: ServedMethod, ms: number): void => {
      if (ms > 0) delays.set(method, ms);
      else delays.delete(method);
    },
    clear: (): void => {
      failures.clear();
      delays.clear();
    },
    /** The failure the current call must show, if one is queued (taken from the queue). */
    take: (method: ServedMethod): InjectedFailure | undefined => failures.get(method)?.shift(),
    delayOf: (method: ServedMethod): number => delays.get(method) ?? 0,
  };
};

export type Faults = ReturnType<typeof createFaults>;
