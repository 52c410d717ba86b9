import * as TE from 'fp-ts/lib/TaskEither.js';
import { cpfCheckDigits, nricCheckLetter, type RegistryAnswer } from '../../domain/checks/index.js';
import { testMarkersOf } from '../files/test-files.js';
import type { Providers } from './ports.js';

/**
 * Deterministic providers for test mode, driven by test inputs (docs/checks.md): markers in the
 * image bytes for the document inspector and the face matcher, reserved numbers for the ID
 * registry. Every other input is genuine and matching, so the built-in checks decide.
 */

/** Numbers the test registry knows under another holder (`id_number_mismatch`)… */
export const TEST_REGISTRY_MISMATCH = {
  us_ssn: '555-55-5555',
  br_cpf: `555555556${cpfCheckDigits('555555556')}`,
  sg_nric: `S5555555${nricCheckLetter('S', '5555555')}`,
} as const;
/** …and numbers it has no record of (`id_number_unverified_other`). */
export const TEST_REGISTRY_UNKNOWN = {
  us_ssn: '444-44-4444',
  br_cpf: `444444445${cpfCheckDigits('444444445')}`,
  sg_nric: `S4444444${nricCheckLetter('S', '4444444')}`,
} as const;
export const TEST_REGISTRY_OTHER_HOLDER = { first_name: 'Registry', last_name: 'Holder', dob: { year: 1970, month: 1, day: 1 } } as const;

const compact = (value: string) => value.toUpperCase().replace(/[^0-9A-Z]/g, '');

/**
 * `provider_flaky` makes a provider fail the first time it sees that file, so the retry path
 * can be exercised: the counts live in this instance.
 */
export const createTestModeProviders = (): Providers => {
  const seen = new Set<string>();
  const flaky = (provider: string, id: string, markers: ReadonlyArray<string>) => {
    if (!markers.includes('provider_flaky') || seen.has(`${provider}:${id}`)) return false;
    seen.add(`${provider}:${id}`);
    return true;
  };
  return {
    documentInspector: {
      inspect: ({ front }) => {
        const markers = testMarkersOf(front.bytes);
        if (flaky('document_inspector', front.id, markers)) return TE.left({ _tag: 'ProviderUnavailable', provider: 'document_inspector', reason: 'test input provider_flaky' });
        return TE.right({ authentic: !markers.includes('document_forged') });
      },
    },
    faceMatcher: {
      match: ({ selfie, document }) => {
        const markers = [...testMarkersOf(selfie.bytes), ...testMarkersOf(document.bytes)];
        if (flaky('face_matcher', selfie.id, markers)) return TE.left({ _tag: 'ProviderUnavailable', provider: 'face_matcher', reason: 'test input provider_flaky' });
        if (markers.includes('document_missing_photo')) return TE.right('document_missing_photo');
        if (markers.includes('selfie_manipulated')) return TE.right('manipulated');
        if (markers.includes('selfie_mismatch')) return TE.right('mismatch');
        if (markers.includes('selfie_unverifiable')) return TE.right('unverifiable');
        return TE.right('match');
      },
    },
    idRegistry: {
      lookup: ({ type, number, reference }) => {
        const key = compact(number);
        const answer: RegistryAnswer =
          key === compact(TEST_REGISTRY_UNKNOWN[type])
            ? { found: false }
            : key === compact(TEST_REGISTRY_MISMATCH[type])
              ? { found: true, ...TEST_REGISTRY_OTHER_HOLDER }
              : { found: true, ...reference };
        return TE.right(answer);
      },
    },
  };
};

/** Live mode has no built-in providers: without configured ones a submission waits, reporting why. */
export const unconfiguredProviders = (): Providers => {
  const unavailable = (provider: string) => TE.left({ _tag: 'ProviderUnavailable' as const, provider, reason: `no ${provider} is configured for live mode (checks.providers)` });
  return {
    documentInspector: { inspect: () => unavailable('document_inspector') },
    faceMatcher: { match: () => unavailable('face_matcher') },
    idRegistry: { lookup: () => unavailable('id_registry') },
  };
};
