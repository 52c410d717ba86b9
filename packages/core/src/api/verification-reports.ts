import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { resourceMissing, type IdentityError } from '../domain/errors.js';
import { decodeListReportsParams, decodeObjectId, decodeRetrieveReportParams } from '../domain/params/index.js';
import type { ReportRow } from '../ledger/projections/report-view.js';
import type { ListObject, VerificationReportObject } from './objects.js';
import { listItemExpand, renderReport } from './render.js';
import { callerOf, reading, type LedgerRuntime, type RequestOptions } from './runtime.js';

/** `identity.verificationReports`: read-only; reports are made by processing, never by a caller. */

const REPORTS_URL = '/v1/identity/verification_reports';

export const reportNotFound = (id: string): IdentityError => resourceMissing('VerificationReport', id);

const renderRow = (row: ReportRow, expand: ReadonlyArray<string>): VerificationReportObject =>
  renderReport(row.report, { sessionId: row.sessionId, livemode: row.livemode, clientReferenceId: row.clientReferenceId }, expand);

export const createVerificationReportOperations = (runtime: LedgerRuntime) => {
  const decodeId = decodeObjectId('vr_', 'VerificationReport');

  const retrieve = (id: unknown, params?: unknown, options?: RequestOptions): TE.TaskEither<IdentityError, VerificationReportObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('id', () => TE.fromEither(decodeId(id))),
      TE.bind('params', () => TE.fromEither(decodeRetrieveReportParams(params ?? {}))),
      TE.chain(({ caller, id, params }) => reading(async () => {
        const row = await runtime.readModel.report(id, caller.livemode);
        return row === undefined ? E.left(reportNotFound(id)) : E.right(renderRow(row, params.expand ?? []));
      })),
    );

  const list = (params?: unknown, options?: RequestOptions): TE.TaskEither<IdentityError, ListObject<VerificationReportObject>> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('params', () => TE.fromEither(decodeListReportsParams(params ?? {}))),
      TE.chain(({ caller, params }) => reading(async () => {
        const { expand: _expand, ...query } = params;
        const page = await runtime.readModel.listReports({ ...query, livemode: caller.livemode });
        const expand = listItemExpand(params.expand);
        return pipe(
          page,
          E.map(({ data, has_more }) => ({ object: 'list' as const, data: data.map((row) => renderRow(row, expand)), has_more, url: REPORTS_URL })),
        );
      })),
    );

  return { retrieve, list };
};
