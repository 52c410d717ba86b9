import { status, type ServerDuplexStream, type ServerReadableStream, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import type { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, DeleteReq, DeleteResp, ReadReq, ReadResp, TombstoneReq, TombstoneResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { Faults, InjectedFailure, ServedMethod } from './faults.js';
import { codePb, anyPb, sharedPb, statusPb, streamsPb } from './generated.js';
import type { Expected, Log, ProposedEvent, WriteOutcome } from './log.js';
import { readStreamRequest, subscribe, type ReadSettings } from './read.js';
import {
  empty,
  expectedOf,
  maxAppendSizeError,
  plainError,
  proposedEvent,
  streamDeletedError,
  streamIdentifier,
  streamNameOf,
  uuidMessage,
  uuidString,
  wrongExpectedVersionError,
} from './wire.js';

/** The `event_store.client.streams.Streams` service over a `Log`, with injectable faults. */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const createStreamsService = (log: Log, faults: Faults, settings: ReadSettings) => {
  /** Waits out an injected delay and returns the injected failure for this call, if any. */
  const intercept = async (method: ServedMethod): Promise<InjectedFailure | undefined> => {
    const delay = faults.delayOf(method);
    if (delay > 0) await sleep(delay);
    return faults.take(method);
  };
  const failureError = (failure: InjectedFailure) => plainError(failure.code, failure.message);

  const appendResponse = (stream: string, expected: Expected, outcome: WriteOutcome, callback: sendUnaryData<AppendResp>) => {
    switch (outcome._tag) {
      case 'StreamDeleted':
        return callback(streamDeletedError(stream));
      case 'MaxAppendSizeExceeded':
        return callback(maxAppendSizeError(outcome.maxAppendSize));
      case 'WrongExpectedVersion': {
        // Reported in-band, not as a gRPC error.
        const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
        if (outcome.actual === 'no_stream') wrong.setCurrentNoStream(new sharedPb.Empty());
        else wrong.setCurrentRevision(outcome.actual.toString());
        if (expected === 'any') wrong.setExpectedAny(new sharedPb.Empty());
        else if (expected === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
        else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
        else wrong.setExpectedRevision(expected.toString());
        return callback(null, new streamsPb.AppendResp().setWrongExpectedVersion(wrong));
      }
      case 'Written': {
        const success = new streamsPb.AppendResp.Success();
        if (outcome.revision === 'no_stream') success.setNoStream(new sharedPb.Empty());
        else success.setCurrentRevision(outcome.revision.toString());
        if (outcome.position === undefined) success.setNoPosition(new sharedPb.Empty());
        else success.setPosition(new streamsPb.AppendResp.Position().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
        return callback(null, new streamsPb.AppendResp().setSuccess(success));
      }
    }
  };

  const append = (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) => {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      const message = request.getProposedMessage();
      if (message !== undefined) events.push(proposedEvent(message));
    });
    call.on('error', () => undefined);
    call.on('end', async () => {
      const failure = await intercept('append');
      if (failure !== undefined && !failure.afterCommit) return callback(failureError(failure));
      if (options === undefined) return callback(plainError(status.INVALID_ARGUMENT, 'append without options'));
      const stream = streamNameOf(options.getStreamIdentifier());
      const expected = expectedOf(options, () => options?.getRevision() ?? '0');
      const outcome = log.append(stream, expected, events);
      if (failure !== undefined) return callback(failureError(failure));
      appendResponse(stream, expected, outcome, callback);
    });
  };

  const batchStatus = (code: number, message: string, detail?: { typeName: string; bytes: Uint8Array }) => {
    const result = new statusPb.Status().setCode(code).setMessage(message);
    if (detail !== undefined) {
      const any = new anyPb.Any();
      any.pack(detail.bytes, detail.typeName);
      result.setDetails(any);
    }
    return result;
  };

  const batchOutcome = (response: BatchAppendResp, stream: string, expected: Expected, outcome: WriteOutcome): BatchAppendResp => {
    switch (outcome._tag) {
      case 'StreamDeleted':
        return response.setError(
          batchStatus(codePb.Code.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
            typeName: 'event_store.client.StreamDeleted',
            bytes: new sharedPb.StreamDeleted().setStreamIdentifier(streamIdentifier(stream)).serializeBinary(),
          }),
        );
      case 'MaxAppendSizeExceeded':
        return response.setError(
          batchStatus(codePb.Code.INVALID_ARGUMENT, 'Maximum append size exceeded.', {
            typeName: 'event_store.client.MaximumAppendSizeExceeded',
            bytes: new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(outcome.maxAppendSize).serializeBinary(),
          }),
        );
      case 'WrongExpectedVersion': {
        const wrong = new sharedPb.WrongExpectedVersion();
        if (outcome.actual === 'no_stream') wrong.setCurrentNoStream(empty());
        else wrong.setCurrentStreamRevision(outcome.actual.toString());
        if (expected === 'any') wrong.setExpectedAny(empty());
        else if (expected === 'no_stream') wrong.setExpectedNoStream(empty());
        else if (expected === 'stream_exists') wrong.setExpectedStreamExists(empty());
        else wrong.setExpectedStreamPosition(expected.toString());
        return response.setError(
          batchStatus(codePb.Code.FAILED_PRECONDITION, 'Wrong expected version.', { typeName: 'event_store.client.WrongExpectedVersion', bytes: wrong.serializeBinary() }),
        );
      }
      case 'Written': {
        const success = new streamsPb.BatchAppendResp.Success();
        if (outcome.revision === 'no_stream') success.setNoStream(empty());
        else success.setCurrentRevision(outcome.revision.toString());
        if (outcome.position === undefined) success.setNoPosition(empty());
        else success.setPosition(new sharedPb.AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
        return response.setSuccess(success);
      }
    }
  };

  /** Bidirectional: requests are keyed by correlation id, chunked until `is_final`. */
  const batchAppend = (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
    const pending = new Map<string, { options: BatchAppendReq.Options | undefined; events: ProposedEvent[] }>();
    call.on('data', async (request: BatchAppendReq) => {
      const correlation = uuidString(request.getCorrelationId());
      const entry = pending.get(correlation) ?? { options: request.getOptions(), events: [] };
      pending.set(correlation, entry);
      entry.events.push(...request.getProposedMessagesList().map(proposedEvent));
      if (!request.getIsFinal()) return;
      pending.delete(correlation);
      const failure = await intercept('batchAppend');
      // A transport failure ends the whole call, failing every append in flight on it.
      if (failure !== undefined && !failure.afterCommit) return void call.emit('error', failureError(failure));
      const options = entry.options;
      if (options === undefined) return void call.emit('error', plainError(status.INVALID_ARGUMENT, 'batch append without options'));
      const stream = streamNameOf(options.getStreamIdentifier());
      const expected = expectedOf(options, () => options.getStreamPosition());
      const outcome = log.append(stream, expected, entry.events);
      if (failure !== undefined) return void call.emit('error', failureError(failure));
      const response = new streamsPb.BatchAppendResp().setCorrelationId(uuidMessage(correlation)).setStreamIdentifier(streamIdentifier(stream));
      if (expected === 'any') response.setAny(empty());
      else if (expected === 'no_stream') response.setNoStream(empty());
      else if (expected === 'stream_exists') response.setStreamExists(empty());
      else response.setStreamPosition(expected.toString());
      if (!call.cancelled) call.write(batchOutcome(response, stream, expected, outcome));
    });
    call.on('error', () => undefined);
    call.on('end', () => call.end());
  };

  const deletion =
    <Req extends DeleteReq | TombstoneReq, Resp extends DeleteResp | TombstoneResp>(
      method: 'delete' | 'tombstone',
      apply: (stream: string, expected: Expected) => WriteOutcome,
      makeResponse: (position: bigint | undefined) => Resp,
    ) =>
    async (call: ServerUnaryCall<Req, Resp>, callback: sendUnaryData<Resp>) => {
      const failure = await intercept(method);
      if (failure !== undefined && !failure.afterCommit) return callback(failureError(failure));
      const options = call.request.getOptions();
      if (options === undefined) return callback(plainError(status.INVALID_ARGUMENT, `${method} without options`));
      const stream = streamNameOf(options.getStreamIdentifier());
      const expected = expectedOf(options, () => options.getRevision());
      const outcome = apply(stream, expected);
      if (failure !== undefined) return callback(failureError(failure));
      switch (outcome._tag) {
        case 'StreamDeleted':
          return callback(streamDeletedError(stream));
        case 'WrongExpectedVersion':
          return callback(wrongExpectedVersionError(stream, expected, outcome.actual));
        case 'MaxAppendSizeExceeded':
          return callback(maxAppendSizeError(outcome.maxAppendSize));
        case 'Written':
          return callback(null, makeResponse(outcome.position));
      }
    };

  const read = async (call: ServerWritableStream<ReadReq, ReadResp>) => {
    const failure = await intercept('read');
    if (failure !== undefined) return void call.emit('error', failureError(failure));
    const options = call.request.getOptions();
    if (options === undefined) return void call.emit('error', plainError(status.INVALID_ARGUMENT, 'read without options'));
    if (options.hasSubscription()) return subscribe(log, call, options, settings);
    return readStreamRequest(log, call, options);
  };

  return {
    read,
    append,
    batchAppend,
    delete: deletion('delete', log.softDelete, (position) => {
      const response = new streamsPb.DeleteResp();
      return position === undefined
        ? response.setNoPosition(new sharedPb.Empty())
        : response.setPosition(new streamsPb.DeleteResp.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
    }),
    tombstone: deletion('tombstone', log.tombstone, (position) => {
      const response = new streamsPb.TombstoneResp();
      return position === undefined
        ? response.setNoPosition(new sharedPb.Empty())
        : response.setPosition(new streamsPb.TombstoneResp.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
    }),
  };
};
