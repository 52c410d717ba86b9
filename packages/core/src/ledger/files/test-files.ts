import type { FileContentType } from './content-type.js';

/**
 * Test-mode images: the smallest byte strings that pass the content-type check, optionally
 * carrying a marker that the test-mode providers react to (docs/checks.md, "Test inputs"),
 * the way a test card number drives a payment outcome.
 */

export const TEST_FILE_MARKERS = [
  'document_forged',
  'selfie_mismatch',
  'selfie_manipulated',
  'selfie_unverifiable',
  'document_missing_photo',
  'provider_flaky',
] as const;
export type TestFileMarker = (typeof TEST_FILE_MARKERS)[number];

const MARKER_PREFIX = 'IDLEDGER_TEST:';

const HEADERS: Record<FileContentType, ReadonlyArray<number>> = {
  'image/jpeg': [0xff, 0xd8, 0xff, 0xe0],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'application/pdf': [...Buffer.from('%PDF-1.7\n')],
};

/** A test file of the given type; `variant` makes otherwise equal files distinct (files are content-addressed). */
export const testFile = (type: FileContentType, marker?: TestFileMarker, variant = ''): Uint8Array =>
  Uint8Array.from([...HEADERS[type], ...Buffer.from(`${marker === undefined ? '' : MARKER_PREFIX + marker};${variant}`)]);

/** The markers a file carries. */
export const testMarkersOf = (bytes: Uint8Array): ReadonlyArray<TestFileMarker> => {
  const text = Buffer.from(bytes).toString('latin1');
  return TEST_FILE_MARKERS.filter((marker) => text.includes(MARKER_PREFIX + marker));
};
