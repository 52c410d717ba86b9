import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { sniffContentType } from './content-type.js';
import { fileIdOf, type FileStore } from './file-store.js';
import { createFileSystemFileStore } from './file-system-file-store.js';
import { createMemoryFileStore } from './memory-file-store.js';
import { testFile, testMarkersOf } from './test-files.js';

const directories: string[] = [];
afterAll(async () => Promise.all(directories.map((d) => rm(d, { recursive: true, force: true }))));

const adapters: ReadonlyArray<readonly [string, (maxBytes: number) => Promise<FileStore>]> = [
  ['memory', async (maxBytes) => createMemoryFileStore({ maxBytes })],
  [
    'file system',
    async (maxBytes) => {
      const directory = await mkdtemp(join(tmpdir(), 'idledger-files-'));
      directories.push(directory);
      return createFileSystemFileStore({ directory, maxBytes });
    },
  ],
];

describe('content type from the bytes', () => {
  it('recognises JPEG, PNG and PDF, and nothing else', () => {
    expect(sniffContentType(testFile('image/jpeg'))).toBe('image/jpeg');
    expect(sniffContentType(testFile('image/png'))).toBe('image/png');
    expect(sniffContentType(testFile('application/pdf'))).toBe('application/pdf');
    expect(sniffContentType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffContentType(new Uint8Array([0xff, 0xd8]))).toBeUndefined();
  });
  it('finds the test markers a file carries', () => {
    expect(testMarkersOf(testFile('image/png', 'selfie_mismatch'))).toEqual(['selfie_mismatch']);
    expect(testMarkersOf(testFile('image/png'))).toEqual([]);
  });
});

const OWNER = 'vs_owner';

describe.each(adapters)('the %s file store', (_name, open) => {
  it('keeps the same bytes of two owners apart: one owner never reaches, nor deletes, the other\'s file', async () => {
    const store = await open(1024);
    const bytes = testFile('image/jpeg', undefined, 'shared');
    const mine = await store.put(bytes, 'vs_a')();
    const theirs = await store.put(bytes, 'vs_b')();
    if (E.isLeft(mine) || E.isLeft(theirs)) throw new Error('put');
    expect(mine.right.id).not.toBe(theirs.right.id);
    expect(await store.stat(theirs.right.id, 'vs_a')()).toEqual(E.left({ _tag: 'FileNotFound', id: theirs.right.id }));
    await store.delete(mine.right.id)();
    expect(await store.stat(theirs.right.id, 'vs_b')()).toEqual(theirs);
  });

  it('stores a file under an id derived from its bytes, and gives it back', async () => {
    const store = await open(1024);
    const bytes = testFile('image/jpeg', undefined, 'a');
    const put = await store.put(bytes, OWNER)();
    expect(put).toEqual(E.right({ id: fileIdOf(bytes, OWNER), size: bytes.byteLength, type: 'image/jpeg' }));
    expect(await store.put(bytes, OWNER)()).toEqual(put);
    const got = await store.get(fileIdOf(bytes, OWNER), OWNER)();
    expect(E.isRight(got) && Buffer.from(got.right.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(await store.stat(fileIdOf(bytes, OWNER), OWNER)()).toEqual(put);
  });

  it('refuses empty, oversized and unrecognised files with a reason', async () => {
    const store = await open(16);
    expect(await store.put(new Uint8Array(), OWNER)()).toEqual(E.left({ _tag: 'FileEmpty' }));
    expect(await store.put(new Uint8Array(17).fill(0xff), OWNER)()).toEqual(E.left({ _tag: 'FileTooLarge', size: 17, limit: 16 }));
    expect(await store.put(Buffer.from('GIF89a-not-allowed'.slice(0, 10)), OWNER)()).toEqual(E.left({ _tag: 'FileTypeUnsupported' }));
  });

  it('answers FileNotFound for an unknown or malformed id, and deletes idempotently', async () => {
    const store = await open(1024);
    const bytes = testFile('image/png', undefined, 'b');
    await store.put(bytes, OWNER)();
    const id = fileIdOf(bytes, OWNER);
    expect(await store.delete(id)()).toEqual(E.right(undefined));
    expect(await store.delete(id)()).toEqual(E.right(undefined));
    expect(await store.get(id, OWNER)()).toEqual(E.left({ _tag: 'FileNotFound', id }));
    expect(await store.stat('../../etc/passwd', OWNER)()).toEqual(E.left({ _tag: 'FileNotFound', id: '../../etc/passwd' }));
  });
});

describe('the file system store', () => {
  it('does not serve a file changed behind its back', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'idledger-files-'));
    directories.push(directory);
    const store = createFileSystemFileStore({ directory });
    const bytes = testFile('image/png', undefined, 'c');
    const id = fileIdOf(bytes, OWNER);
    await store.put(bytes, OWNER)();
    await writeFile(join(directory, id.slice(5, 7), id), testFile('image/png', undefined, 'tampered'));
    expect(await store.get(id, OWNER)()).toMatchObject(E.left({ _tag: 'FileNotFound' }));
  });
});
