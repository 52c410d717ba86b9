import type { VerificationReportObject } from '@idledger/core';
import { withLedger, type Command } from '../context.js';
import { toJson } from '../output.js';
import { details, reportsTable } from './views.js';
import type { ShowOptions } from './sessions.js';

export interface ReportsListOptions {
  readonly session?: string;
  readonly type?: string;
  readonly limit: number;
}

/** `idledger reports list`: every attempt's report, newest first. */
export const listReports: Command<ReportsListOptions> = (options, io) =>
  withLedger(options, 'read', async (ledger) => {
    const params = {
      limit: Math.min(options.limit, 100),
      ...(options.session === undefined ? {} : { verification_session: options.session }),
      ...(options.type === undefined ? {} : { type: options.type }),
    };
    const reports: Array<VerificationReportObject> = await ledger.identity.verificationReports.list(params).autoPagingToArray({ limit: options.limit });
    io.out(options.json ? toJson(reports) : reports.length === 0 ? 'No reports.' : reportsTable(reports));
  });

/** `idledger reports show <id>`. */
export const showReport =
  (id: string): Command<ShowOptions> =>
  (options, io) =>
    withLedger(options, 'read', async (ledger) => {
      const report = await ledger.identity.verificationReports.retrieve(id, { expand: [...options.expand] });
      io.out(options.json ? toJson(report) : details(report));
    });
