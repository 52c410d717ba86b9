import type { ProvidedSelfie } from '../shared/end-user-inputs.js';
import type { SelfieCheck } from '../shared/report.js';
import type { LastErrorCode } from '../shared/values.js';
import { checkLiveCapture, LIVE_CAPTURE_CHECK } from './document.js';
import { providerStep, step, type Step } from './finding.js';
import type { FaceMatchOutcome, ProviderAnswer } from './provider-results.js';

/** The selfie check of one attempt: live capture, then the face matcher's answer. */

export const FACE_MATCH_CHECK = 'provider.face_match@1';

export const SELFIE_PRIORITY = ['selfie_document_missing_photo', 'selfie_manipulated', 'selfie_face_mismatch', 'selfie_unverified_other'] as const;

const CODE_OF_OUTCOME: Record<Exclude<FaceMatchOutcome, 'match'>, LastErrorCode> = {
  mismatch: 'selfie_face_mismatch',
  document_missing_photo: 'selfie_document_missing_photo',
  manipulated: 'selfie_manipulated',
  unverifiable: 'selfie_unverified_other',
};

export const assessSelfie = (
  selfie: ProvidedSelfie,
  documentFront: string | null,
  match: ProviderAnswer<FaceMatchOutcome>,
  requireLiveCapture: boolean,
): { readonly steps: ReadonlyArray<Step>; readonly section: Omit<SelfieCheck, 'status' | 'error'> } => ({
  steps: [
    step(LIVE_CAPTURE_CHECK, checkLiveCapture(requireLiveCapture, [selfie.live_capture]), 'selfie_unverified_other'),
    match === 'file_missing'
      ? providerStep(FACE_MATCH_CHECK, ['file_missing'], 'selfie_unverified_other')
      : match === 'match'
        ? providerStep(FACE_MATCH_CHECK, [], 'selfie_unverified_other')
        : providerStep(FACE_MATCH_CHECK, [match], CODE_OF_OUTCOME[match]),
  ],
  section: { document: documentFront, selfie: selfie.selfie },
});
