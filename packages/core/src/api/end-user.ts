import { timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { apiError, invalidParameter, type IdentityError } from '../domain/errors.js';
import {
  decodeConsentParams,
  decodeEndUserSubmitParams,
  decodeProvideDocumentParams,
  decodeProvideIdNumberParams,
  decodeProvideSelfieParams,
  FILE_PURPOSES,
  type FilePurpose,
} from '../domain/params/end-user.js';
import { oneOf, strictObject } from '../domain/params/primitives.js';
import { requestDecoder } from '../domain/params/decode.js';
import type { LastError } from '../domain/shared/values.js';
import type { VerificationSessionCommand } from '../domain/verification-session/commands.js';
import { verificationSessionDecider } from '../domain/verification-session/decider.js';
import { missingInputs } from '../domain/verification-session/end-user.js';
import { clientSecretInvalid, redactedConflict, type MissingInput } from '../domain/verification-session/rules.js';
import type { SessionData } from '../domain/verification-session/state.js';
import { currentState } from '../ledger/command-handler.js';
import { isImage, type FileContentType } from '../ledger/files/content-type.js';
import { admitFile, type FileStore, type FileStoreError, type StoredFile } from '../ledger/files/file-store.js';
import { sessionStream } from '../ledger/streams.js';
import { contextOf, execute, nowSeconds, type LedgerRuntime } from './runtime.js';

/**
 * The end user's side of a session: what a hosted verification page (or the HTTP server on its
 * behalf) calls, authorised by the session's client_secret alone, never by an API key. Each
 * call records an event with the actor `{type: 'end_user', session}`.
 */

type Result<A> = TE.TaskEither<IdentityError, A>;

/** What the end user may see of their own session: what it asks for, and what is still missing. */
export interface VerificationFlowObject {
  readonly id: string;
  readonly object: 'identity.verification_flow';
  readonly livemode: boolean;
  readonly status: SessionData['status'];
  readonly type: SessionData['type'];
  readonly requirements: {
    readonly document: { readonly allowed_types: ReadonlyArray<string>; readonly require_live_capture: boolean } | null;
    readonly selfie: boolean;
    readonly id_number: boolean;
  };
  readonly missing: ReadonlyArray<MissingInput>;
  readonly last_error: LastError | null;
}

export interface FileObject {
  readonly id: string;
  readonly object: 'file';
  readonly purpose: FilePurpose;
  readonly size: number;
  readonly type: FileContentType;
}

export interface EndUserRequestOptions {
  readonly requestId?: string;
  readonly correlationId?: string;
}

const SECRET = /^(vs_[A-Za-z0-9]+)_secret_(\S+)$/;

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const renderFlow = (session: SessionData): VerificationFlowObject => ({
  id: session.id,
  object: 'identity.verification_flow',
  livemode: session.livemode,
  status: session.status,
  type: session.type,
  requirements: {
    document:
      session.type === 'document'
        ? {
            allowed_types: session.options.document?.allowed_types ?? ['driving_license', 'id_card', 'passport'],
            require_live_capture: session.options.document?.require_live_capture === true,
          }
        : null,
    selfie: session.type === 'document' && session.options.document?.require_matching_selfie === true,
    id_number: session.type === 'id_number' || session.options.document?.require_id_number === true,
  },
  missing: session.status === 'requires_input' && session.redaction === null ? missingInputs(session) : [],
  last_error: session.lastError,
});

const fileError = (error: FileStoreError, param: string): IdentityError => {
  switch (error._tag) {
    case 'FileEmpty':
      return invalidParameter(param, `Invalid ${param}: the file is empty.`, 'file_invalid');
    case 'FileTooLarge':
      return invalidParameter(param, `Invalid ${param}: the file has ${error.size} bytes; at most ${error.limit} are accepted.`, 'file_too_large');
    case 'FileTypeUnsupported':
      return invalidParameter(param, `Invalid ${param}: the file is not a JPEG, PNG or PDF (judged from its content).`, 'file_invalid');
    case 'FileNotFound':
      return invalidParameter(param, `Invalid ${param}: no such file: '${error.id}'.`, 'resource_missing');
    case 'FileStoreFailure':
      return apiError(`The file store failed: ${error.reason}`);
  }
};

const uploadParams = requestDecoder(strictObject('UploadFileParams', { purpose: oneOf(FILE_PURPOSES) }, ['purpose']));

export const createEndUserOperations = (runtime: LedgerRuntime, fileStore: FileStore) => {
  const run = execute(runtime);

  /** The session the secret opens; the decision checks the secret's generation again when it writes. */
  const authorize = (clientSecret: unknown): Result<SessionData> => {
    const match = typeof clientSecret === 'string' ? SECRET.exec(clientSecret) : null;
    if (match === null) return TE.left(clientSecretInvalid());
    const [, id = '', token = ''] = match;
    return pipe(
      currentState(runtime, verificationSessionDecider, sessionStream(id)),
      TE.chainEitherK(({ state }) =>
        state._tag === 'Existing' && sameToken(token, runtime.render.token(state.session)) ? E.right(state.session) : E.left(clientSecretInvalid()),
      ),
    );
  };

  const contextFor = (session: SessionData, options: EndUserRequestOptions | undefined) => {
    const requestId = options?.requestId ?? runtime.ids.request();
    return contextOf({
      livemode: session.livemode,
      actor: { type: 'end_user', session: session.id },
      requestId,
      correlationId: options?.correlationId ?? requestId,
    });
  };

  const act =
    <P>(decode: (input: unknown) => E.Either<IdentityError, P>, commandOf: (params: P, session: SessionData) => Result<VerificationSessionCommand>) =>
    (clientSecret: string, params?: unknown, options?: EndUserRequestOptions): Result<VerificationFlowObject> =>
      pipe(
        authorize(clientSecret),
        TE.bindTo('session'),
        TE.bind('params', () => TE.fromEither(decode(params ?? {}))),
        TE.bind('command', ({ params, session }) => commandOf(params, session)),
        TE.chain(({ session, command }) => run(verificationSessionDecider, sessionStream(session.id), command, contextFor(session, options))),
        TE.chainEitherK(({ state }) => (state._tag === 'Existing' ? E.right(renderFlow(state.session)) : E.left(clientSecretInvalid()))),
      );

  const addressed = (session: SessionData) => ({ sessionId: session.id, now: nowSeconds(runtime), secretGeneration: session.secretGeneration });

  /** A referenced file must exist and be of a kind the input accepts. */
  const requireFile = (id: string, session: SessionData, param: string, imagesOnly: boolean): Result<StoredFile> =>
    pipe(
      fileStore.stat(id, session.id),
      TE.mapLeft((error) => fileError(error, param)),
      TE.filterOrElse(
        (file) => !imagesOnly || isImage(file.type),
        () => invalidParameter(param, `Invalid ${param}: a selfie must be a JPEG or PNG image.`, 'file_invalid'),
      ),
    );

  /**
   * The upload is recorded on the session before the bytes are stored: a crash in between leaves
   * an event naming a file that does not exist (harmless: deleting it does nothing), never a
   * stored file that redaction cannot find.
   */
  const uploadFile = (clientSecret: string, data: Uint8Array, params?: unknown, options?: EndUserRequestOptions): Result<FileObject> =>
    pipe(
      authorize(clientSecret),
      TE.bindTo('session'),
      TE.bind('params', () => TE.fromEither(uploadParams(params ?? {}))),
      TE.bind('file', ({ session, params: { purpose } }) => {
        if (!(data instanceof Uint8Array)) return TE.left(invalidParameter('data', 'Invalid data: expected the file as a Uint8Array (a Buffer is one).'));
        return pipe(
          TE.fromEither(admitFile(data, fileStore.maxBytes, session.id)),
          TE.mapLeft((error) => fileError(error, 'data')),
          TE.filterOrElse(
            (file) => purpose !== 'selfie' || isImage(file.type),
            () => invalidParameter('data', 'Invalid data: a selfie must be a JPEG or PNG image.', 'file_invalid'),
          ),
        );
      }),
      TE.chainFirst(({ session, params: { purpose }, file }) =>
        run(
          verificationSessionDecider,
          sessionStream(session.id),
          { type: 'RecordFileUpload', file: file.id, purpose, ...addressed(session) },
          contextFor(session, options),
        ),
      ),
      TE.chainFirst(({ session }) => pipe(fileStore.put(data, session.id), TE.mapLeft((error) => fileError(error, 'data')))),
      // A redaction accepted while the bytes were being written has already swept the session's
      // files: this one must go too, and the upload fails.
      TE.chainFirst(({ session, file }) =>
        pipe(
          currentState(runtime, verificationSessionDecider, sessionStream(session.id)),
          TE.chain(({ state }) =>
            state._tag === 'Existing' && state.session.redaction !== null
              ? pipe(
                  fileStore.delete(file.id),
                  TE.mapLeft((error) => fileError(error, 'data')),
                  TE.chain(() => TE.left(redactedConflict('collect input for'))),
                )
              : TE.right(undefined),
          ),
        ),
      ),
      TE.map(({ params: { purpose }, file }): FileObject => ({ id: file.id, object: 'file', purpose, size: file.size, type: file.type })),
    );

  const retrieve = (clientSecret: string): Result<VerificationFlowObject> => pipe(authorize(clientSecret), TE.map(renderFlow));

  return {
    retrieve,
    uploadFile,
    provideDocument: act(decodeProvideDocumentParams, (document, session) =>
      pipe(
        requireFile(document.front, session, 'front', false),
        TE.chain(() => (document.back === null ? TE.right(undefined) : TE.map(() => undefined)(requireFile(document.back, session, 'back', false)))),
        TE.map((): VerificationSessionCommand => ({ type: 'ProvideDocument', document, ...addressed(session) })),
      ),
    ),
    provideSelfie: act(decodeProvideSelfieParams, (selfie, session) =>
      pipe(
        requireFile(selfie.selfie, session, 'selfie', true),
        TE.map((): VerificationSessionCommand => ({ type: 'ProvideSelfie', selfie, ...addressed(session) })),
      ),
    ),
    provideIdNumber: act(decodeProvideIdNumberParams, (idNumber, session) => TE.right({ type: 'ProvideIdNumber', idNumber, ...addressed(session) })),
    consent: act(decodeConsentParams, ({ granted }, session) => TE.right({ type: 'RecordConsent', granted, ...addressed(session) })),
    submit: act(decodeEndUserSubmitParams, (_params, session) => TE.right({ type: 'SubmitCollectedInputs', ...addressed(session) })),
  };
};

