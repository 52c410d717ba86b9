import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { admitFile, DEFAULT_MAX_FILE_BYTES, describeStored, isFileId, type FileStore, type FileStoreError, type StoredFile } from './file-store.js';

/**
 * The default file store: one file per id under `directory/<first two hex digits>/`, written to
 * a temporary name and renamed into place, so a reader never sees half a file. Content
 * addressing makes a second put of the same bytes by the same owner a harmless overwrite.
 */
export interface FileSystemFileStoreOptions {
  readonly directory: string;
  readonly maxBytes?: number;
}

const failure = (reason: unknown): FileStoreError => ({ _tag: 'FileStoreFailure', reason: reason instanceof Error ? reason.message : String(reason) });

const isMissing = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';

export const createFileSystemFileStore = (options: FileSystemFileStoreOptions): FileStore => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const pathOf = (id: string) => join(options.directory, id.slice(5, 7), id);

  const read = (id: string, owner: string): TE.TaskEither<FileStoreError, { readonly file: StoredFile; readonly bytes: Uint8Array }> =>
    !isFileId(id)
      ? TE.left({ _tag: 'FileNotFound', id })
      : pipe(
          TE.tryCatch(
            () => readFile(pathOf(id)),
            (error): FileStoreError => (isMissing(error) ? { _tag: 'FileNotFound', id } : failure(error)),
          ),
          TE.chainEitherK((buffer) => {
            const bytes = new Uint8Array(buffer);
            return E.map((file: StoredFile) => ({ file, bytes }))(describeStored(id, bytes, owner));
          }),
        );

  const write = (file: StoredFile, bytes: Uint8Array): TE.TaskEither<FileStoreError, StoredFile> =>
    TE.tryCatch(async () => {
      const target = pathOf(file.id);
      await mkdir(join(options.directory, file.id.slice(5, 7)), { recursive: true, mode: 0o700 });
      const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, bytes, { mode: 0o600 });
      await rename(temporary, target);
      return file;
    }, failure);

  return {
    maxBytes,
    put: (bytes, owner) =>
      pipe(
        TE.fromEither(admitFile(bytes, maxBytes, owner)),
        TE.chain((file) => write(file, bytes)),
      ),
    get: read,
    stat: (id, owner) => pipe(read(id, owner), TE.map(({ file }) => file)),
    delete: (id) => (isFileId(id) ? TE.tryCatch(() => rm(pathOf(id), { force: true }), failure) : TE.right(undefined)),
  };
};
