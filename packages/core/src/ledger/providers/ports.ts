import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { DocumentInspection, FaceMatchOutcome, RegistryAnswer, RegistryQuestion } from '../../domain/checks/index.js';
import type { ProvidedDocument } from '../../domain/shared/end-user-inputs.js';
import type { FileContentType } from '../files/content-type.js';
import type { VerifierFailure } from '../verifier.js';

/**
 * Ports for outside providers. Each answer is data the pure assessment judges; a failure
 * (unavailable, timed out, an error of theirs) is a typed Left, which keeps the session in
 * processing to be retried with backoff. A provider never verifies anything by failing.
 */

export type ProviderFailure = VerifierFailure;

export interface FileContent {
  readonly id: string;
  readonly type: FileContentType;
  readonly bytes: Uint8Array;
}

/** Document authenticity and OCR. */
export interface DocumentInspector {
  readonly inspect: (input: {
    readonly front: FileContent;
    readonly back: FileContent | null;
    readonly document: ProvidedDocument;
  }) => TE.TaskEither<ProviderFailure, DocumentInspection>;
}

/** Compares the selfie with the face on the document's front image. */
export interface FaceMatcher {
  readonly match: (input: { readonly selfie: FileContent; readonly document: FileContent }) => TE.TaskEither<ProviderFailure, FaceMatchOutcome>;
}

/** Looks an ID number up; the question carries the person it is claimed for, as registries such as the SSA's ask. */
export interface IdRegistry {
  readonly lookup: (question: RegistryQuestion) => TE.TaskEither<ProviderFailure, RegistryAnswer>;
}

export interface Providers {
  readonly documentInspector: DocumentInspector;
  readonly faceMatcher: FaceMatcher;
  readonly idRegistry: IdRegistry;
}

/** A provider call that takes longer than `ms` fails with `ProviderTimeout`; its late answer is ignored. */
export const withTimeout =
  <A>(provider: string, ms: number, task: TE.TaskEither<ProviderFailure, A>): TE.TaskEither<ProviderFailure, A> =>
  () =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(E.left({ _tag: 'ProviderTimeout', provider, reason: `no answer within ${ms} ms` })), ms);
      task().then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve(E.left({ _tag: 'ProviderFailed', provider, reason: error instanceof Error ? error.message : String(error) }));
        },
      );
    });
