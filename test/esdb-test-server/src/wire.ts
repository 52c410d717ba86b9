import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { AppendReq, BatchAppendReq } from '@eventstore/db-client/generated/streams_pb.js';
import type { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb.js';
import { emptyPb, sharedPb, streamsPb } from './generated.js';
import type { Actual, Expected, ProposedEvent, StoredRecord } from './log.js';

/** Conversions between the generated protobuf messages and the log's plain values. */

export const streamNameOf = (identifier: StreamIdentifier | undefined): string =>
  identifier === undefined ? '' : Buffer.from(identifier.getStreamName_asU8()).toString('utf8');

export const streamIdentifier = (name: string): StreamIdentifier => {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(name, 'utf8'));
  return identifier;
};

const hex = (bits: string): string => BigInt.asUintN(64, BigInt(bits)).toString(16).padStart(16, '0');

export const uuidString = (uuid: UUID | undefined): string => {
  if (uuid === undefined) return '';
  if (uuid.hasString()) return uuid.getString();
  const structured = uuid.getStructured();
  if (structured === undefined) return '';
  const h = hex(structured.getMostSignificantBits()) + hex(structured.getLeastSignificantBits());
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export const uuidMessage = (id: string, structured = false): UUID => {
  const uuid = new sharedPb.UUID();
  if (!structured) return uuid.setString(id);
  const h = id.replaceAll('-', '');
  const signed = (part: string) => BigInt.asIntN(64, BigInt(`0x${part}`)).toString();
  const parts = new sharedPb.UUID.Structured();
  parts.setMostSignificantBits(signed(h.slice(0, 16)));
  parts.setLeastSignificantBits(signed(h.slice(16)));
  return uuid.setStructured(parts);
};

export const proposedEvent = (message: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage): ProposedEvent => {
  const metadata = message.getMetadataMap();
  return {
    id: uuidString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
};

/** The expected-revision oneof shared (by shape) by Append, Delete and Tombstone options. */
interface ExpectedOneof {
  hasNoStream(): boolean;
  hasAny(): boolean;
  hasStreamExists(): boolean;
}
export const expectedOf = (options: ExpectedOneof, revision: () => string): Expected =>
  options.hasNoStream() ? 'no_stream' : options.hasAny() ? 'any' : options.hasStreamExists() ? 'stream_exists' : BigInt(revision());

export const recordedEvent = (record: StoredRecord, structuredIds: boolean) => {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuidMessage(record.id, structuredIds));
  recorded.setStreamIdentifier(streamIdentifier(record.stream));
  recorded.setStreamRevision(record.revision.toString());
  recorded.setPreparePosition(record.position.toString());
  recorded.setCommitPosition(record.position.toString());
  const metadata = recorded.getMetadataMap();
  metadata.set('type', record.type);
  metadata.set('content-type', record.contentType);
  metadata.set('created', record.created.toString());
  recorded.setCustomMetadata(record.customMetadata);
  recorded.setData(record.data);
  return recorded;
};

/** One event of a read: `$all` reads carry the commit position, stream reads do not. */
export const readEventResponse = (record: StoredRecord, structuredIds: boolean, fromAll: boolean) => {
  const event = new streamsPb.ReadResp.ReadEvent();
  event.setEvent(recordedEvent(record, structuredIds));
  if (fromAll) event.setCommitPosition(record.position.toString());
  else event.setNoPosition(new sharedPb.Empty());
  return new streamsPb.ReadResp().setEvent(event);
};

export const empty = () => new emptyPb.Empty();

// ---- errors carried in trailers, as the real server sends them ----------------------------------

const trailerError = (code: status, details: string, entries: Record<string, string>): ServiceError => {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
};

export const streamDeletedError = (stream: string) =>
  trailerError(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, { exception: 'stream-deleted', 'stream-name': stream });

export const maxAppendSizeError = (maxAppendSize: number) =>
  trailerError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });

// The legacy numeric encoding of expected versions the trailers use.
const legacyVersion = (expected: Expected): string =>
  expected === 'no_stream' ? '-1' : expected === 'any' ? '-2' : expected === 'stream_exists' ? '-4' : expected.toString();

export const wrongExpectedVersionError = (stream: string, expected: Expected, actual: Actual) =>
  trailerError(status.FAILED_PRECONDITION, `Append failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${legacyVersion(expected)}`, {
    exception: 'wrong-expected-version',
    'stream-name': stream,
    'expected-version': legacyVersion(expected),
    ...(actual === 'no_stream' ? {} : { 'actual-version': actual.toString() }),
  });

export const plainError = (code: status, details: string): ServiceError => trailerError(code, details, {});
