/**
 * The content type of a file, judged from its first bytes (never from a name or a declared
 * type): JPEG (`FF D8 FF`), PNG (its 8-byte signature) or PDF (`%PDF-`).
 */
export type FileContentType = 'image/jpeg' | 'image/png' | 'application/pdf';

const SIGNATURES: ReadonlyArray<readonly [FileContentType, ReadonlyArray<number>]> = [
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
];

export const sniffContentType = (bytes: Uint8Array): FileContentType | undefined =>
  SIGNATURES.find(([, signature]) => signature.every((byte, index) => bytes[index] === byte))?.[0];

export const isImage = (type: FileContentType): boolean => type === 'image/jpeg' || type === 'image/png';
