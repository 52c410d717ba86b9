import type { VerificationSessionObject } from '@idledger/core';
import { withLedger, type Command } from '../context.js';
import { toJson } from '../output.js';
import { details, sessionsTable } from './views.js';

export interface SessionsListOptions {
  readonly status?: string;
  readonly customer?: string;
  readonly clientReferenceId?: string;
  readonly createdGte?: number;
  readonly createdLte?: number;
  readonly limit: number;
  readonly startingAfter?: string;
}

/** `idledger sessions list`: newest first, with the API's filters; `--limit` counts across pages. */
export const listSessions: Command<SessionsListOptions> = (options, io) =>
  withLedger(options, 'read', async (ledger) => {
    const created =
      options.createdGte === undefined && options.createdLte === undefined
        ? undefined
        : { ...(options.createdGte === undefined ? {} : { gte: options.createdGte }), ...(options.createdLte === undefined ? {} : { lte: options.createdLte }) };
    const params = {
      limit: Math.min(options.limit, 100),
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.customer === undefined ? {} : { related_customer: options.customer }),
      ...(options.clientReferenceId === undefined ? {} : { client_reference_id: options.clientReferenceId }),
      ...(options.startingAfter === undefined ? {} : { starting_after: options.startingAfter }),
      ...(created === undefined ? {} : { created }),
    };
    const sessions: Array<VerificationSessionObject> = await ledger.identity.verificationSessions.list(params).autoPagingToArray({ limit: options.limit });
    io.out(options.json ? toJson(sessions) : sessions.length === 0 ? 'No sessions.' : sessionsTable(sessions));
  });

export interface ShowOptions {
  readonly expand: ReadonlyArray<string>;
}

/** `idledger sessions show <id>`: the session object, as the API returns it. */
export const showSession =
  (id: string): Command<ShowOptions> =>
  (options, io) =>
    withLedger(options, 'read', async (ledger) => {
      const session = await ledger.identity.verificationSessions.retrieve(id, { expand: [...options.expand] });
      io.out(options.json ? toJson(session) : details(session));
    });
