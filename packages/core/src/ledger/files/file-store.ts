import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { sniffContentType, type FileContentType } from './content-type.js';

/**
 * The port behind which every file (document images, selfies) lives. Files are personal data:
 * nothing else in the ledger reads or writes them, so encrypting or deleting them is a matter
 * of this port alone. Files are content-addressed within their owner (the session that uploaded
 * them): the same bytes from the same session get the same id, the same bytes from two sessions
 * two files, so redacting one session never deletes another's, and a session can only name
 * files it uploaded (another's id does not match its own hash of the bytes).
 */

export interface StoredFile {
  /** `file_` + the first 40 hex digits of SHA-256(owner ‖ 0x00 ‖ bytes). */
  readonly id: string;
  readonly size: number;
  readonly type: FileContentType;
}

export type FileStoreError =
  | { readonly _tag: 'FileEmpty' }
  | { readonly _tag: 'FileTooLarge'; readonly size: number; readonly limit: number }
  | { readonly _tag: 'FileTypeUnsupported' }
  | { readonly _tag: 'FileNotFound'; readonly id: string }
  | { readonly _tag: 'FileStoreFailure'; readonly reason: string };

export interface FileStore {
  /** The largest file `put` accepts. */
  readonly maxBytes: number;
  readonly put: (bytes: Uint8Array, owner: string) => TaskEither<FileStoreError, StoredFile>;
  /** `FileNotFound` when absent, or when `owner` did not upload it. */
  readonly get: (id: string, owner: string) => TaskEither<FileStoreError, { readonly file: StoredFile; readonly bytes: Uint8Array }>;
  /** What is known of a file; `FileNotFound` when absent, or when `owner` did not upload it. */
  readonly stat: (id: string, owner: string) => TaskEither<FileStoreError, StoredFile>;
  /** Removing an absent file succeeds: deletion is idempotent. */
  readonly delete: (id: string) => TaskEither<FileStoreError, void>;
}

/** Stripe's limit for identity documents. */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

const FILE_ID = /^file_[0-9a-f]{40}$/;
export const isFileId = (id: string): boolean => FILE_ID.test(id);

export const fileIdOf = (bytes: Uint8Array, owner: string): string =>
  `file_${createHash('sha256').update(owner).update(Uint8Array.of(0)).update(bytes).digest('hex').slice(0, 40)}`;

/** Every adapter admits a file by the same rules: not empty, within the limit, a JPEG, PNG or PDF. */
export const admitFile = (bytes: Uint8Array, maxBytes: number, owner: string): E.Either<FileStoreError, StoredFile> => {
  if (bytes.byteLength === 0) return E.left({ _tag: 'FileEmpty' });
  if (bytes.byteLength > maxBytes) return E.left({ _tag: 'FileTooLarge', size: bytes.byteLength, limit: maxBytes });
  const type = sniffContentType(bytes);
  if (type === undefined) return E.left({ _tag: 'FileTypeUnsupported' });
  return E.right({ id: fileIdOf(bytes, owner), size: bytes.byteLength, type });
};

/**
 * A file as read back for `owner`: judged again, so a file changed behind the port is not served
 * as what it was, and a file of another owner is not found.
 */
export const describeStored = (id: string, bytes: Uint8Array, owner: string): E.Either<FileStoreError, StoredFile> => {
  if (fileIdOf(bytes, owner) !== id) return E.left({ _tag: 'FileNotFound', id });
  const type = sniffContentType(bytes);
  return type === undefined ? E.left({ _tag: 'FileStoreFailure', reason: `stored file ${id} is no longer a JPEG, PNG or PDF` }) : E.right({ id, size: bytes.byteLength, type });
};
