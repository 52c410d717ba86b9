import * as E from 'fp-ts/lib/Either.js';
import { EVENTS_JSONL, type ConsistencyProofFile, type ExportRecord, type Manifest } from './export-format.js';

/** Reading the files of an export bundle. Shape checks only: the hashes say whether the content is genuine. */

export const HEX64 = /^[0-9a-f]{64}$/;
export const DECIMAL = /^(0|[1-9][0-9]*)$/;

const MAX_U64 = 0xffff_ffff_ffff_ffffn;

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const parseRecord = (line: string): E.Either<string, ExportRecord> => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return E.left('not JSON');
  }
  if (!isObject(value) || value.v !== 1) return E.left('not an export record (v 1)');
  const header = value.header;
  if (!isObject(header) || header.v !== 1 || typeof header.event_id !== 'string' || typeof header.stream !== 'string' || typeof header.type !== 'string') {
    return E.left('header is malformed');
  }
  if (typeof header.revision !== 'string' || !DECIMAL.test(header.revision) || BigInt(header.revision) > MAX_U64) return E.left('header.revision is not a decimal string of at most 64 bits');
  for (const field of ['leaf_index', 'position'] as const) {
    if (typeof value[field] !== 'string' || !DECIMAL.test(value[field] as string) || BigInt(value[field] as string) > MAX_U64) {
      return E.left(`${field} is not a decimal string of at most 64 bits`);
    }
  }
  for (const field of ['previous', 'commitment', 'hash'] as const) {
    if (typeof value[field] !== 'string' || !HEX64.test(value[field] as string)) return E.left(`${field} is not a SHA-256 in hex`);
  }
  if (!Array.isArray(value.inclusion_proof) || !value.inclusion_proof.every((element) => typeof element === 'string' && HEX64.test(element))) {
    return E.left('inclusion_proof is not a list of SHA-256 hashes');
  }
  const payload = value.payload;
  if (!(payload === 'none' || payload === 'withheld' || payload === 'erased' || (isObject(payload) && typeof payload.salt === 'string' && 'data' in payload))) {
    return E.left('payload is malformed');
  }
  return E.right(value as unknown as ExportRecord);
};

export const parseManifest = (bytes: Uint8Array): E.Either<string, Manifest> => {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (!isObject(value) || value.v !== 1 || !Array.isArray(value.files) || !Array.isArray(value.records) || !isObject(value.checkpoint)) {
      return E.left('not an export manifest (v 1)');
    }
    if (!isObject(value.query) || !Object.values(value.query).every((member) => typeof member === 'string')) return E.left('manifest.query is not an object of strings');
    const fileOk = (file: unknown) => isObject(file) && typeof file.name === 'string' && typeof file.sha256 === 'string' && typeof file.size === 'number';
    const recordOk = (record: unknown) => isObject(record) && typeof record.leaf_index === 'string' && typeof record.event_id === 'string' && typeof record.sha256 === 'string';
    if (!value.files.every(fileOk)) return E.left('manifest.files holds an entry that is not {name, sha256, size}');
    if (!value.records.every(recordOk)) return E.left('manifest.records holds an entry that is not {leaf_index, event_id, sha256}');
    const checkpoint = value.checkpoint;
    if (typeof checkpoint.origin !== 'string' || typeof checkpoint.size !== 'string' || typeof checkpoint.root_hash !== 'string') return E.left('manifest.checkpoint is not {origin, size, root_hash}');
    return E.right(value as unknown as Manifest);
  } catch {
    return E.left('manifest.json is not JSON');
  }
};

export const describeRecord = (line: number | undefined, record: { leaf_index?: string; event_id?: string }) =>
  `${EVENTS_JSONL}${line === undefined ? '' : ` line ${line}`}${record.leaf_index === undefined ? '' : ` (leaf ${record.leaf_index}, event ${record.event_id ?? '?'})`}`;

export const bigintOf = (text: string) => BigInt(text);

export const parseConsistencyProof = (body: string | undefined): ConsistencyProofFile | undefined => {
  if (body === undefined) return undefined;
  try {
    const value = JSON.parse(body) as unknown;
    if (!isObject(value) || value.v !== 1 || typeof value.first !== 'string' || !DECIMAL.test(value.first) || typeof value.second !== 'string' || !DECIMAL.test(value.second)) return undefined;
    if (typeof value.first_root !== 'string' || !HEX64.test(value.first_root) || typeof value.second_root !== 'string' || !HEX64.test(value.second_root)) return undefined;
    if (!Array.isArray(value.proof) || !value.proof.every((element) => typeof element === 'string' && HEX64.test(element))) return undefined;
    return value as unknown as ConsistencyProofFile;
  } catch {
    return undefined;
  }
};
