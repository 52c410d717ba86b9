import { status, type ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { streamsPb } from './generated.js';
import { matchesFilter, type AllFilter, type Log, type StoredRecord } from './log.js';
import { plainError, readEventResponse, streamDeletedError, streamIdentifier, streamNameOf } from './wire.js';

/** `Streams.Read`: stream and `$all` reads, and catch-up subscriptions (the same call with `subscription` set). */

export interface ReadSettings {
  /** Events a filtered `$all` subscription scans per checkpoint window when the client gives none. */
  readonly defaultCheckpointWindow: number;
}

type Call = ServerWritableStream<ReadReq, ReadResp>;

/** Index of the first record at or after `position` in the position-ordered log (binary search). */
const firstAtOrAfter = (all: ReadonlyArray<StoredRecord>, position: bigint): number => {
  let low = 0;
  let high = all.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((all[middle] as StoredRecord).position < position) low = middle + 1;
    else high = middle;
  }
  return low;
};

/** Writes with back-pressure; resolves false once the client has gone. */
const send = (call: Call, message: ReadResp): Promise<boolean> => {
  if (call.cancelled || call.destroyed) return Promise.resolve(false);
  if (call.write(message)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      call.off('drain', drained);
      call.off('cancelled', gone);
      resolve(ok);
    };
    const drained = () => done(true);
    const gone = () => done(false);
    call.once('drain', drained);
    call.once('cancelled', gone);
  });
};

const structuredIds = (options: ReadReq.Options) => options.getUuidOption()?.hasStructured() ?? false;

const filterOf = (options: ReadReq.Options): AllFilter => {
  const filter = options.getFilter();
  if (filter === undefined) return undefined;
  const on = filter.hasStreamIdentifier() ? 'streamName' : 'eventType';
  const expression = filter.getStreamIdentifier() ?? filter.getEventType();
  if (expression === undefined) return undefined;
  const regex = expression.getRegex();
  return regex !== '' ? { on, regex: new RegExp(regex) } : { on, prefixes: expression.getPrefixList() };
};

export const readStreamRequest = async (log: Log, call: Call, options: ReadReq.Options): Promise<void> => {
  const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
  const count = BigInt(options.getCount() || '0');
  const ids = structuredIds(options);
  const out: StoredRecord[] = [];
  let fromAll = false;
  const streamOptions = options.getStream();
  const allOptions = options.getAll();
  if (streamOptions !== undefined) {
    const stream = streamNameOf(streamOptions.getStreamIdentifier());
    const outcome = log.readStream(stream);
    if (outcome._tag === 'StreamDeleted') return void call.emit('error', streamDeletedError(stream));
    if (outcome._tag === 'StreamNotFound') {
      // In-band, then the call ends.
      const notFound = new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(stream));
      await send(call, new streamsPb.ReadResp().setStreamNotFound(notFound));
      return void call.end();
    }
    const from = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : streamOptions.hasEnd() ? 'end' : 'start';
    const records = backwards ? [...outcome.records].reverse() : outcome.records;
    for (const record of records) {
      if (BigInt(out.length) >= count) break;
      if (from === 'end' && !backwards) break;
      if (typeof from === 'bigint' && (backwards ? record.revision > from : record.revision < from)) continue;
      out.push(record);
    }
  } else if (allOptions !== undefined) {
    fromAll = true;
    const filter = filterOf(options);
    const all = log.all();
    const from = allOptions.hasPosition() ? BigInt(allOptions.getPosition()?.getCommitPosition() ?? '0') : allOptions.hasEnd() ? 'end' : 'start';
    // Forwards from a position is inclusive; backwards returns what lies before it.
    const first = from === 'start' ? 0 : from === 'end' ? all.length : firstAtOrAfter(all, from);
    const step = backwards ? -1 : 1;
    for (let i = backwards ? (from === 'start' ? -1 : first - 1) : first; i >= 0 && i < all.length && BigInt(out.length) < count; i += step) {
      const record = all[i] as StoredRecord;
      if (matchesFilter(record, filter)) out.push(record);
    }
  } else {
    return void call.emit('error', plainError(status.INVALID_ARGUMENT, 'read of neither a stream nor $all'));
  }
  for (const record of out) if (!(await send(call, readEventResponse(record, ids, fromAll)))) return;
  call.end();
};

/**
 * Confirmation, then every matching event after the (exclusive) start, then `caught_up`, then
 * live events as they are appended. Filtered `$all` subscriptions also get a `checkpoint` each
 * time a window of events has been scanned, matching or not.
 */
export const subscribe = async (log: Log, call: Call, options: ReadReq.Options, settings: ReadSettings): Promise<void> => {
  const ids = structuredIds(options);
  const streamOptions = options.getStream();
  const allOptions = options.getAll();
  const filter = filterOf(options);
  const filterOptions = options.getFilter();
  const checkpointEvery =
    filterOptions === undefined
      ? undefined
      : (filterOptions.hasMax() ? filterOptions.getMax() : settings.defaultCheckpointWindow) * Math.max(1, filterOptions.getCheckpointintervalmultiplier());

  let select: (record: StoredRecord) => boolean;
  let historical: StoredRecord[];
  if (streamOptions !== undefined) {
    const stream = streamNameOf(streamOptions.getStreamIdentifier());
    if (log.streamState(stream)?.tombstoned === true) return void call.emit('error', streamDeletedError(stream));
    const after = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : streamOptions.hasEnd() ? 'end' : 'start';
    select = (r) => r.stream === stream && r.revision !== 9_223_372_036_854_775_807n;
    const records = log.streamState(stream)?.records ?? [];
    historical = after === 'end' ? [] : records.filter((r) => after === 'start' || r.revision > after);
  } else if (allOptions !== undefined) {
    const after = allOptions.hasPosition() ? BigInt(allOptions.getPosition()?.getCommitPosition() ?? '0') : allOptions.hasEnd() ? 'end' : 'start';
    select = () => true;
    const all = log.all();
    historical = after === 'end' ? [] : all.slice(after === 'start' ? 0 : firstAtOrAfter(all, after + 1n));
  } else {
    return void call.emit('error', plainError(status.INVALID_ARGUMENT, 'subscription to neither a stream nor $all'));
  }

  // Registered in the same tick as the historical snapshot, so no append falls between the two.
  const live: StoredRecord[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = log.subscribe((records) => {
    live.push(...records.filter(select));
    wake?.();
  });
  let ended = false;
  const end = () => {
    ended = true;
    unsubscribe();
    wake?.();
  };
  call.on('cancelled', end);
  call.on('close', end);
  call.on('error', end);

  let scanned = 0;
  const deliver = async (record: StoredRecord): Promise<boolean> => {
    if (matchesFilter(record, filter) && !(await send(call, readEventResponse(record, ids, allOptions !== undefined)))) return false;
    if (checkpointEvery === undefined || ++scanned < checkpointEvery) return true;
    scanned = 0;
    const position = record.position.toString();
    return send(call, new streamsPb.ReadResp().setCheckpoint(new streamsPb.ReadResp.Checkpoint().setCommitPosition(position).setPreparePosition(position)));
  };

  const subscriptionId = crypto.randomUUID();
  if (!(await send(call, new streamsPb.ReadResp().setConfirmation(new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId))))) return end();
  for (const record of historical) if (ended || !(await deliver(record))) return end();
  if (!(await send(call, new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp())))) return end();
  while (!ended) {
    const record = live.shift();
    if (record !== undefined) {
      if (!(await deliver(record))) return end();
      continue;
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
};
