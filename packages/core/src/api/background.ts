import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { verificationSessionDecider } from '../domain/verification-session/decider.js';
import { currentState, loadStream, storeErrorToIdentityError } from '../ledger/command-handler.js';
import { sealedKeyOf } from '../ledger/personal-data/sealed-data.js';
import { createSessionProcessor } from '../ledger/processors/session-processor.js';
import { sessionStream } from '../ledger/streams.js';
import type { KeyStore } from '../ledger/personal-data/key-store.js';
import type { Verifier } from '../ledger/verifier.js';
import { apiError, type IdentityError } from '../domain/errors.js';
import type { VerificationSessionEvent } from '../domain/verification-session/events.js';
import type { FileStore } from '../ledger/files/file-store.js';
import { execute, type LedgerRuntime } from './runtime.js';

/**
 * The ledger's own actor: it runs checks after a submission and completes redactions, and its
 * events say so (`actor: {type: 'system'}`), caused by the event that triggered them.
 */
export const createProcessManagerRuntime = (
  runtime: LedgerRuntime,
  options: {
    readonly verifier: Verifier;
    readonly simulatedDelayMs: number;
    readonly redactionDelayMs: number;
    readonly retry: { readonly initialDelayMs: number; readonly maxDelayMs: number };
    readonly onError: (error: unknown, sessionId: string) => void;
    readonly keyStore: KeyStore;
    /** Left while a legal hold keeps the session's data (see compliance). */
    readonly erasureAllowed: (sessionId: string) => TE.TaskEither<IdentityError, void>;
    readonly fileStore: FileStore;
  },
) => {
  const run = execute(runtime);
  const processor = createSessionProcessor({
    store: runtime.store,
    serializer: runtime.serializer,
    verifier: options.verifier,
    clock: runtime.clock,
    newReportId: runtime.ids.report,
    simulatedDelayMs: options.simulatedDelayMs,
    redactionDelayMs: options.redactionDelayMs,
    retry: options.retry,
    onError: options.onError,
    onSubscriptionError: (error) => options.onError(error, ''),
    deleteFiles: (sessionId) =>
      pipe(
        loadStream(runtime, verificationSessionDecider, sessionStream(sessionId)),
        TE.map(({ history }) => uploadedFiles(history.map(({ event }) => event as VerificationSessionEvent))),
        TE.chain((ids) =>
          pipe(
            ids.map((id) => options.fileStore.delete(id)),
            TE.sequenceSeqArray,
            TE.bimap(
              (error) => apiError(`The file store failed while deleting a redacted session's files: ${error._tag === 'FileStoreFailure' ? error.reason : error._tag}`),
              () => undefined,
            ),
          ),
        ),
      )(),
    // Every key the session's events name, not only the one kept for the session: a key store that
    // lost its record of handing one out (a crash) still has the key, and it must go too.
    erasePersonalData: (sessionId) =>
      pipe(
        runtime.store.readStream(sessionStream(sessionId)),
        TE.orElse((error) => (error._tag === 'StreamNotFound' ? TE.right([]) : TE.left(error))),
        TE.mapLeft(storeErrorToIdentityError),
        TE.chainEitherKW((events) => {
          const sealedWith = [...new Set(events.flatMap((event) => sealedKeyOf(event.data) ?? []))];
          const destroyed = options.keyStore.destroy(sessionStream(sessionId), runtime.clock(), sealedWith);
          // The remembered state still holds what the events no longer open to.
          runtime.states.forget(sessionStream(sessionId));
          return destroyed;
        }),
      )(),
    erasureAllowed: (sessionId) => options.erasureAllowed(sessionId)(),
    execute: (command, cause) => {
      const component = command.type === 'CompleteRedaction' ? 'redaction' : 'verification';
      return run(verificationSessionDecider, sessionStream(command.sessionId), command, {
        actor: { type: 'system', component },
        requestId: null,
        correlationId: cause.correlationId,
        causationId: cause.eventId,
      })();
    },
    loadSession: (id) =>
      pipe(
        currentState(runtime, verificationSessionDecider, sessionStream(id)),
        TE.map(({ state }) => (state._tag === 'Existing' ? state.session : undefined)),
      )(),
  });

  return {
    start: processor.start,
    stop: processor.stop,
    /** Settles repeatedly: finishing one piece of work may append events that cause more. */
    settle: async () => {
      for (;;) {
        const target = runtime.lastWritten;
        await processor.settle(target);
        if (runtime.lastWritten === target) return;
      }
    },
  };
};


/** Every file the end user handed over in a session's history: document images and selfies. */
export const uploadedFiles = (events: ReadonlyArray<VerificationSessionEvent>): ReadonlyArray<string> => [
  ...new Set(
    events.flatMap((event) => {
      if (event.type === 'VerificationSessionDocumentProvided') return [event.data.document.front, ...(event.data.document.back === null ? [] : [event.data.document.back])];
      if (event.type === 'VerificationSessionSelfieProvided') return [event.data.selfie.selfie];
      if (event.type === 'VerificationSessionFileUploaded') return [event.data.file];
      return [];
    }),
  ),
];
