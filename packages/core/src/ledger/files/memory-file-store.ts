import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { admitFile, DEFAULT_MAX_FILE_BYTES, describeStored, type FileStore, type FileStoreError, type StoredFile } from './file-store.js';

/** Files in process memory: for tests and for ledgers whose events are in memory too. */
export const createMemoryFileStore = (options: { readonly maxBytes?: number } = {}): FileStore => {
  const files = new Map<string, Uint8Array>();
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const read = (id: string, owner: string): E.Either<FileStoreError, { readonly file: StoredFile; readonly bytes: Uint8Array }> => {
    const bytes = files.get(id);
    if (bytes === undefined) return E.left({ _tag: 'FileNotFound', id });
    return pipe(
      describeStored(id, bytes, owner),
      E.map((file) => ({ file, bytes })),
    );
  };
  return {
    maxBytes,
    put: (bytes, owner) =>
      pipe(
        TE.fromEither(admitFile(bytes, maxBytes, owner)),
        TE.map((file) => {
          files.set(file.id, Uint8Array.from(bytes));
          return file;
        }),
      ),
    get: (id, owner) => TE.fromEither(read(id, owner)),
    stat: (id, owner) => TE.fromEither(E.map(({ file }: { readonly file: StoredFile }) => file)(read(id, owner))),
    delete: (id) =>
      TE.fromIO(() => {
        files.delete(id);
      }),
  };
};
