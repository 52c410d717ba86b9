import type * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import {
  assessAttempt,
  idNumberClaimOf,
  registryQuestion,
  utcDateOf,
  type AttemptAnswers,
  type DocumentPolicy,
  type ProviderAnswer,
} from '../domain/checks/index.js';
import { checksOf } from '../domain/shared/error-reasons.js';
import type { SessionData } from '../domain/verification-session/state.js';
import type { FileStore } from './files/file-store.js';
import { withTimeout, type FileContent, type ProviderFailure, type Providers } from './providers/ports.js';
import type { VerificationRequest, Verifier } from './verifier.js';

/**
 * The verifier of the real pipeline: for a submission made through the verification flow it
 * reads the collected files, asks the providers (each call under a timeout), and hands their
 * answers to the pure assessment. A submission with a chosen test outcome, or one made by the
 * test helpers without collected inputs, goes to the explicit-outcome verifier instead.
 */

export interface ChecksPolicy {
  /** ISO 3166-1 alpha-2 codes of accepted issuing countries; all known countries when absent. */
  readonly supportedCountries?: ReadonlyArray<string>;
  /** Default 18. */
  readonly minimumAge?: number;
}

export interface CheckingVerifierDeps {
  readonly fileStore: FileStore;
  readonly providers: { readonly test: Providers; readonly live: Providers };
  readonly policy: ChecksPolicy;
  readonly providerTimeoutMs: number;
  readonly explicitOutcomes: Verifier;
}

export const DEFAULT_MINIMUM_AGE = 18;

type Answer<A> = TE.TaskEither<ProviderFailure, ProviderAnswer<A>>;

export const createCheckingVerifier = (deps: CheckingVerifierDeps): Verifier => {
  /** A file gone from the store is a finding (`file_missing`), a failing store a retry. */
  type Load = (id: string) => TE.TaskEither<ProviderFailure, FileContent | 'file_missing'>;

  const load = (id: string, session: SessionData): TE.TaskEither<ProviderFailure, FileContent | 'file_missing'> =>
    pipe(
      deps.fileStore.get(id, session.id),
      TE.map(({ file, bytes }): FileContent | 'file_missing' => ({ id, type: file.type, bytes })),
      TE.orElse((error) =>
        error._tag === 'FileNotFound'
          ? TE.right<ProviderFailure, FileContent | 'file_missing'>('file_missing')
          : TE.left<ProviderFailure>({ _tag: 'ProviderFailed', provider: 'file_store', reason: error._tag === 'FileStoreFailure' ? error.reason : error._tag }),
      ),
    );

  const ask = <A>(provider: string, call: TE.TaskEither<ProviderFailure, A>) => withTimeout(provider, deps.providerTimeoutMs, call);

  /** Each file of one attempt read once, however many checks look at it (the document's front: two). */
  const loaderFor = (session: SessionData): Load => {
    const read = new Map<string, Promise<E.Either<ProviderFailure, FileContent | 'file_missing'>>>();
    return (id) => () => {
      const pending = read.get(id) ?? load(id, session)();
      read.set(id, pending);
      return pending;
    };
  };

  const documentAnswer = (session: SessionData, providers: Providers, loadFile: Load): Answer<NonNullable<AttemptAnswers['document']>> => {
    const document = session.collected.document;
    if (document === null) return TE.right('file_missing');
    return pipe(
      TE.Do,
      TE.bind('front', () => loadFile(document.front)),
      TE.bind('back', () => (document.back === null ? TE.right(null) : loadFile(document.back))),
      TE.chain(({ front, back }): Answer<NonNullable<AttemptAnswers['document']>> =>
        front === 'file_missing' || back === 'file_missing'
          ? TE.right('file_missing')
          : ask('document_inspector', providers.documentInspector.inspect({ front, back, document })),
      ),
    );
  };

  const selfieAnswer = (session: SessionData, providers: Providers, loadFile: Load): Answer<NonNullable<AttemptAnswers['selfie']>> => {
    const { selfie, document } = session.collected;
    if (selfie === null || document === null) return TE.right('file_missing');
    return pipe(
      TE.Do,
      TE.bind('selfie', () => loadFile(selfie.selfie)),
      TE.bind('document', () => loadFile(document.front)),
      TE.chain(({ selfie: face, document: front }): Answer<NonNullable<AttemptAnswers['selfie']>> =>
        face === 'file_missing' || front === 'file_missing' ? TE.right('file_missing') : ask('face_matcher', providers.faceMatcher.match({ selfie: face, document: front })),
      ),
    );
  };

  const runChecks = (request: VerificationRequest) => {
    const { session } = request;
    const providers = session.livemode ? deps.providers.live : deps.providers.test;
    const checks = checksOf(session);
    const question = checks.includes('id_number') ? registryQuestion(idNumberClaimOf(session, utcDateOf(request.now))) : undefined;
    const loadFile = loaderFor(session);
    return pipe(
      TE.Do,
      TE.bind('document', () => (checks.includes('document') ? documentAnswer(session, providers, loadFile) : TE.right(undefined))),
      TE.bind('selfie', () => (checks.includes('selfie') ? selfieAnswer(session, providers, loadFile) : TE.right(undefined))),
      TE.bind('registry', () => (question === undefined ? TE.right(undefined) : ask('id_registry', providers.idRegistry.lookup(question)))),
      TE.map(({ document, selfie, registry }) =>
        assessAttempt({
          session,
          answers: {
            ...(document === undefined ? {} : { document }),
            ...(selfie === undefined ? {} : { selfie }),
            ...(registry === undefined ? {} : { registry }),
          },
          policy: {
            minimumAge: deps.policy.minimumAge ?? DEFAULT_MINIMUM_AGE,
            acceptSpecimen: !session.livemode,
            ...(deps.policy.supportedCountries === undefined ? {} : { supported: deps.policy.supportedCountries }),
          } satisfies DocumentPolicy,
          reportId: request.reportId,
          now: request.now,
        }),
      ),
    );
  };

  return {
    verify: (request) => (request.testOutcome !== undefined || request.source !== 'end_user' ? deps.explicitOutcomes.verify(request) : runChecks(request)),
  };
};

