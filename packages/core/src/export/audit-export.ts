import {
  CHECKPOINT_NOTE,
  EVENTS_CSV,
  EVENTS_JSONL,
  MANIFEST,
  MANIFEST_SIGNATURE,
  canonicalJson,
  digestHex,
  manifestSignatureText,
  consistencyProofName,
  type ConsistencyProofFile,
  signNote,
  toHex,
  type ExportPayload,
  type ExportRecord,
  type Manifest,
} from '@idledger/integrity';
import * as E from 'fp-ts/lib/Either.js';
import { verificationSessionDecider } from '../domain/verification-session/decider.js';
import type { VerificationSessionEvent } from '../domain/verification-session/events.js';
import type { VerificationSessionState } from '../domain/verification-session/state.js';
import type { JsonValue } from '../ledger/event-store/port.js';
import { eventHeader } from '../ledger/integrity.js';
import { SEALED_FIELD } from '../ledger/personal-data/sealed-data.js';
import {
  CHECKPOINT_STREAM,
  COMPLIANCE_STREAM_PREFIX,
  CUSTOMER_STREAM_PREFIX,
  SESSION_STREAM_PREFIX,
  complianceStream,
  customerStream,
  idFromStream,
  sessionStream,
} from '../ledger/streams.js';
import { toCsv } from './csv.js';
import { scanLog, signAndRecord, type LogCheckpointDeps, type LogCheckpointError } from './log-checkpoint.js';

/**
 * An audit export for regulators and investigators: every selected event as a canonical JSONL
 * record (header, chain hash, commitment, payload state, status before and after, inclusion
 * proof), a signed checkpoint over the whole log, a CSV for people and a signed manifest. The
 * log is read once: it yields the Merkle leaves of every event and the selected records.
 */

export interface AuditExportQuery {
  readonly session?: string;
  readonly customer?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Include the personal data still held (opened payloads and their salts): default false. */
  readonly includePersonalData?: boolean;
}

export interface AuditExportDeps extends LogCheckpointDeps {
  readonly generator: string;
}

/** A query the export refuses before it records anything: `param` names the offending field. */
export interface InvalidExportQuery {
  readonly _tag: 'InvalidExportQuery';
  readonly param: 'session' | 'customer' | 'from' | 'to';
  readonly message: string;
}

export type AuditExportError = LogCheckpointError | InvalidExportQuery;

export interface AuditExportBundle {
  /** File name (relative to the export directory) → bytes. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly records: number;
  readonly checkpoint: { readonly origin: string; readonly size: bigint; readonly rootHash: string };
}

interface Selected {
  readonly record: Omit<ExportRecord, 'inclusion_proof'>;
  readonly leafIndex: number;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The stored data without its seal: exactly the clear data the header hashed. */
const publicData = (data: JsonValue): JsonValue => {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !(SEALED_FIELD in data)) return data;
  const { [SEALED_FIELD]: _sealed, ...rest } = data as Record<string, JsonValue>;
  return rest;
};

const invalidQuery = (param: InvalidExportQuery['param'], message: string): E.Either<InvalidExportQuery, never> =>
  E.left({ _tag: 'InvalidExportQuery', param, message });

const isInvalidDate = (date: Date | undefined) => date !== undefined && Number.isNaN(date.getTime());

/**
 * Checked before the log is read, because an export signs and records a checkpoint: a query that
 * cannot select what it names must leave the log as it was.
 */
const checkQuery = async (store: AuditExportDeps['store'], query: AuditExportQuery): Promise<E.Either<AuditExportError, void>> => {
  if (isInvalidDate(query.from)) return invalidQuery('from', '`from` is not a valid date.');
  if (isInvalidDate(query.to)) return invalidQuery('to', '`to` is not a valid date.');
  if (query.from !== undefined && query.to !== undefined && query.from.getTime() >= query.to.getTime()) {
    return invalidQuery('to', `\`to\` (${query.to.toISOString()}) must be later than \`from\` (${query.from.toISOString()}): the range [from, to) is empty.`);
  }
  const named = [
    ...(query.session === undefined ? [] : [{ param: 'session' as const, id: query.session, stream: sessionStream(query.session), noun: 'verification session' }]),
    ...(query.customer === undefined ? [] : [{ param: 'customer' as const, id: query.customer, stream: customerStream(query.customer), noun: 'customer' }]),
  ];
  for (const { param, id, stream, noun } of named) {
    const revision = await store.streamRevision(stream)();
    if (E.isLeft(revision)) return E.left({ _tag: 'ExportFailed', message: `reading ${stream}: ${revision.left._tag}` });
    if (revision.right === 'no_stream') return invalidQuery(param, `No such ${noun}: '${id}'.`);
  }
  return E.right(undefined);
};

const statusOf = (state: VerificationSessionState | undefined) => (state?._tag === 'Existing' ? state.session.status : null);

export const exportAudit = async (deps: AuditExportDeps, query: AuditExportQuery = {}): Promise<E.Either<AuditExportError, AuditExportBundle>> => {
  const checked = await checkQuery(deps.store, query);
  if (E.isLeft(checked)) return checked;
  const selected: Array<Selected> = [];
  const sessionStates = new Map<string, VerificationSessionState>();
  // A subject's compliance record (holds, refused redactions) travels with it.
  const chosenStreams = new Set<string>([
    ...(query.session === undefined ? [] : [sessionStream(query.session), complianceStream(query.session)]),
    ...(query.customer === undefined ? [] : [customerStream(query.customer), complianceStream(query.customer)]),
  ]);
  const everyStream = query.session === undefined && query.customer === undefined;

  const rotations: Array<string> = [];
  const scanned = await scanLog(deps, ({ recorded, leafIndex, integrity, clearMetadata, previous, decoded: decode }) => {
    const stream = recorded.streamName;
    const decoded = decode();
    if (E.isRight(decoded) && decoded.right.event.type === 'SigningKeyRotated') rotations.push(decoded.right.event.data.statement);
    let statusBefore: string | null = null;
    let statusAfter: string | null = null;
    if (E.isRight(decoded) && stream.startsWith(SESSION_STREAM_PREFIX)) {
      const before = sessionStates.get(stream) ?? verificationSessionDecider.initialState;
      const after = verificationSessionDecider.evolve(before, decoded.right.event as VerificationSessionEvent);
      sessionStates.set(stream, after);
      statusBefore = statusOf(before);
      statusAfter = statusOf(after);
      const created = decoded.right.event;
      if (created.type === 'VerificationSessionCreated' && query.customer !== undefined && created.data.related_customer === query.customer) {
        chosenStreams.add(stream).add(complianceStream(idFromStream(stream)));
      }
    }
    const inTime = (query.from === undefined || recorded.recordedAt >= query.from) && (query.to === undefined || recorded.recordedAt < query.to);
    const inScope = everyStream
      ? [SESSION_STREAM_PREFIX, CUSTOMER_STREAM_PREFIX, COMPLIANCE_STREAM_PREFIX].some((prefix) => stream.startsWith(prefix)) || stream === CHECKPOINT_STREAM
      : chosenStreams.has(stream);
    if (!inTime || !inScope) return E.right(undefined);

    const opened = deps.serializer.open(recorded);
    if (E.isLeft(opened)) return E.left({ _tag: 'ExportFailed', message: `event ${recorded.id}: personal data unreadable (${opened.left._tag})` });
    const payload: ExportPayload =
      opened.right.payload === 'none' || opened.right.payload === 'erased'
        ? opened.right.payload
        : query.includePersonalData
          ? opened.right.payload
          : 'withheld';
    selected.push({
      leafIndex,
      record: {
        v: 1,
        leaf_index: String(leafIndex),
        position: recorded.position.toString(),
        header: eventHeader({ eventId: recorded.id, type: recorded.type, stream, revision: recorded.revision, metadata: clearMetadata, publicData: publicData(recorded.data) }) as ExportRecord['header'],
        previous,
        commitment: integrity.commitment,
        hash: integrity.hash,
        payload,
        recorded_at: recorded.recordedAt.toISOString(),
        status_before: statusBefore,
        status_after: statusAfter,
      },
    });
    return E.right(undefined);
  });
  if (E.isLeft(scanned)) return scanned;
  const signed = await signAndRecord(deps, scanned.right);
  if (E.isLeft(signed)) return signed;
  const { tree, note, size, rootHash } = signed.right;

  const lines = selected.map(({ record, leafIndex }) => canonicalJson({ ...record, inclusion_proof: tree.inclusionProof(leafIndex, tree.size).map(toHex) }));
  const jsonl = utf8(lines.map((line) => `${line}\n`).join(''));
  const csv = utf8(toCsv(CSV_HEADER, selected.map(({ record }) => csvRow(record))));
  const checkpointNote = utf8(note);
  const verifierKey = utf8(`${deps.signer.verifierKey}\n`);
  const keyFile = `keys/${deps.signer.name.replaceAll('/', '_')}.pub`;
  const described = (name: string, bytes: Uint8Array) => ({ name, sha256: digestHex(bytes), size: bytes.length });
  // A consistency proof from every checkpoint signed before, so a recipient holding any of them
  // can check that this log extends the one it saw.
  const earlierSizes = [...new Set(scanned.right.checkpoints.map((earlier) => Number(earlier.size)))].filter((first) => first > 0 && first < tree.size);
  const proofFiles = earlierSizes.map((first) => {
    const proof: ConsistencyProofFile = {
      v: 1,
      first: String(first),
      second: String(tree.size),
      first_root: toHex(tree.root(first)),
      second_root: toHex(rootHash),
      proof: tree.consistencyProof(first, tree.size).map(toHex),
    };
    return [consistencyProofName(first, tree.size), utf8(`${JSON.stringify(proof, null, 2)}\n`)] as const;
  });
  // Every rotation, so a recipient who trusts an earlier key can follow it to the current one.
  const rotationFiles = rotations.map((statement, index) => [`keys/rotation-${index + 1}.note`, utf8(statement)] as const);
  const manifest: Manifest = {
    v: 1,
    generator: deps.generator,
    created_at: deps.clock().toISOString(),
    query: {
      ...(query.session === undefined ? {} : { session: query.session }),
      ...(query.customer === undefined ? {} : { customer: query.customer }),
      ...(query.from === undefined ? {} : { from: query.from.toISOString() }),
      ...(query.to === undefined ? {} : { to: query.to.toISOString() }),
      ...(query.includePersonalData ? { personal_data: 'included' } : {}),
    },
    checkpoint: { origin: deps.origin, size: size.toString(), root_hash: toHex(rootHash) },
    signer: { name: deps.signer.name, key_id: deps.signer.keyId.toString(16).padStart(8, '0'), verifier_key: deps.signer.verifierKey },
    files: [
      described(EVENTS_JSONL, jsonl),
      described(EVENTS_CSV, csv),
      described(CHECKPOINT_NOTE, checkpointNote),
      described(keyFile, verifierKey),
      ...rotationFiles.map(([name, bytes]) => described(name, bytes)),
      ...proofFiles.map(([name, bytes]) => described(name, bytes)),
    ],
    records: selected.map(({ record }, index) => ({ leaf_index: record.leaf_index, event_id: record.header.event_id, sha256: digestHex(lines[index]!) })),
  };
  const manifestBytes = utf8(`${JSON.stringify(manifest, null, 2)}\n`);
  const signature = signNote(manifestSignatureText(manifestBytes), [deps.signer]);
  if (E.isLeft(signature)) return E.left({ _tag: 'ExportFailed', message: `signing the manifest: ${signature.left._tag}` });
  return E.right({
    files: new Map([
      [MANIFEST, manifestBytes],
      [MANIFEST_SIGNATURE, utf8(signature.right)],
      [EVENTS_JSONL, jsonl],
      [EVENTS_CSV, csv],
      [CHECKPOINT_NOTE, checkpointNote],
      [keyFile, verifierKey],
      ...rotationFiles,
      ...proofFiles,
    ]),
    records: selected.length,
    checkpoint: { origin: deps.origin, size, rootHash: toHex(rootHash) },
  });
};

const CSV_HEADER = ['leaf_index', 'position', 'recorded_at', 'occurred_at', 'stream', 'revision', 'type', 'event_id', 'actor', 'request_id', 'status_before', 'status_after', 'last_error', 'payload', 'hash'];

const csvRow = (record: Omit<ExportRecord, 'inclusion_proof'>): ReadonlyArray<string> => {
  const metadata = record.header.metadata as { occurred_at?: string; actor?: Record<string, string>; request_id?: string | null };
  const data = record.header.data as { last_error?: { code?: string } | null } | null;
  const actor = metadata.actor === undefined ? '' : Object.entries(metadata.actor).map(([key, value]) => `${key}=${value}`).join(' ');
  return [
    record.leaf_index,
    record.position,
    record.recorded_at,
    metadata.occurred_at ?? '',
    record.header.stream,
    record.header.revision,
    record.header.type,
    record.header.event_id,
    actor,
    metadata.request_id ?? '',
    record.status_before ?? '',
    record.status_after ?? '',
    data?.last_error?.code ?? '',
    typeof record.payload === 'string' ? record.payload : 'included',
    record.hash,
  ];
};
