import { isDeepStrictEqual } from 'node:util';
import { SESSION_STATUSES, SESSION_TYPES } from '@idledger/core/domain';
import type {
  CreatedRange,
  CustomerQuery,
  LedgerDomainEvent,
  LedgerEvent,
  ReadModel,
  ReportQuery,
  SessionQuery,
} from '@idledger/core/ledger';

/**
 * Every question a read model answers, asked over everything a log contains: each object in both
 * modes, each list with every filter value (and one that matches nothing), several limits, and
 * every object as a cursor in both directions, plus unknown cursors. Two adapters fed the same
 * events must give the same answers to all of them.
 */

export interface Probe {
  readonly label: string;
  readonly ask: (readModel: ReadModel) => Promise<unknown>;
}

interface Universe {
  readonly sessions: ReadonlyArray<string>;
  readonly reports: ReadonlyArray<string>;
  readonly customers: ReadonlyArray<string>;
  readonly emails: ReadonlyArray<string>;
  readonly references: ReadonlyArray<string>;
  readonly accounts: ReadonlyArray<string>;
  readonly sessionsWithReports: ReadonlyArray<string>;
  readonly idempotencyKeys: ReadonlyArray<string>;
  readonly created: ReadonlyArray<number>;
}

const distinct = <T>(values: Iterable<T | null | undefined>): Array<T> =>
  [...new Set(values)].filter((value): value is T => value !== null && value !== undefined);

export const universeOf = (events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>): Universe => {
  const sessions: Array<string> = [];
  const customers: Array<string> = [];
  const reports: Array<string> = [];
  const emails: Array<string | null | undefined> = [];
  const references: Array<string | null> = [];
  const accounts: Array<string | null> = [];
  const sessionsWithReports: Array<string> = [];
  const created: Array<number> = [];
  for (const { event, envelope } of events) {
    const id = envelope.stream.slice(envelope.stream.indexOf('-') + 1);
    switch (event.type) {
      case 'VerificationSessionCreated':
        sessions.push(event.data.id);
        references.push(event.data.client_reference_id);
        accounts.push(event.data.related_customer_account);
        created.push(event.data.created);
        break;
      case 'VerificationSessionVerified':
      case 'VerificationSessionChecksFailed':
        reports.push(event.data.report.id);
        sessionsWithReports.push(id);
        created.push(event.data.report.created);
        break;
      case 'CustomerCreated':
        customers.push(event.data.id);
        emails.push(event.data.email);
        break;
      case 'CustomerUpdated':
        emails.push(event.data.email);
        break;
      default:
        break;
    }
  }
  return {
    sessions,
    reports,
    customers,
    emails: distinct(emails),
    references: distinct(references),
    accounts: distinct(accounts),
    sessionsWithReports: distinct(sessionsWithReports),
    idempotencyKeys: distinct(events.map(({ envelope }) => envelope.idempotencyKey)),
    created: distinct(created).sort((a, b) => a - b),
  };
};

const createdRanges = (created: ReadonlyArray<number>): Array<CreatedRange> => {
  if (created.length === 0) return [{ gte: 0 }];
  const low = created[0]!;
  const middle = created[Math.floor(created.length / 2)]!;
  const high = created[created.length - 1]!;
  return [{ gte: middle }, { lt: middle }, { gt: low, lte: high - 1 }, { gte: middle, lte: middle }, { gt: high }];
};

type Lister<Query> = (readModel: ReadModel, query: Query) => Promise<unknown>;

/** One list, every filter: the first page at several limits, then every object as each cursor. */
const listProbes = <Query extends object>(
  name: string,
  list: Lister<Query & { livemode: boolean; limit: number }>,
  filters: ReadonlyArray<Query>,
  ids: ReadonlyArray<string>,
  unknownId: string,
): Array<Probe> => {
  const probes: Array<Probe> = [];
  for (const livemode of [false, true]) {
    for (const filter of filters) {
      const ask = (label: string, query: Record<string, unknown>) =>
        probes.push({ label: `${name} ${JSON.stringify({ livemode, ...filter, ...query })} ${label}`, ask: (rm) => list(rm, { livemode, ...filter, ...query } as never) });
      for (const limit of [1, 2, 5, 100]) ask('first page', { limit });
      ids.forEach((id, index) => {
        const limit = [1, 2, 3, 100][index % 4]!;
        ask('older', { limit, starting_after: id });
        ask('newer', { limit, ending_before: id });
      });
      ask('unknown cursor', { limit: 3, starting_after: unknownId });
      ask('unknown cursor', { limit: 3, ending_before: unknownId });
      if (ids.length > 1) ask('both cursors', { limit: 2, starting_after: ids[0]!, ending_before: ids[ids.length - 1]! });
    }
  }
  return probes;
};

export const probesOf = (universe: Universe): Array<Probe> => {
  const ranges = createdRanges(universe.created);
  const lookups: Array<Probe> = [];
  for (const livemode of [false, true]) {
    for (const id of [...universe.sessions, 'vs_missing']) lookups.push({ label: `session ${id} ${livemode}`, ask: (rm) => rm.session(id, livemode) });
    for (const id of [...universe.reports, 'vr_missing']) lookups.push({ label: `report ${id} ${livemode}`, ask: (rm) => rm.report(id, livemode) });
    for (const id of [...universe.customers, 'cus_missing']) lookups.push({ label: `customer ${id} ${livemode}`, ask: (rm) => rm.customer(id, livemode) });
    for (const key of [...universe.idempotencyKeys, 'never-used']) {
      lookups.push({ label: `idempotency ${key} ${livemode}`, ask: (rm) => rm.idempotencyRecord(key, livemode) });
    }
  }
  for (const id of [...universe.sessions, 'vs_missing']) lookups.push({ label: `audit ${id}`, ask: (rm) => rm.audit(id) });

  const sessionFilters: Array<Omit<SessionQuery, 'livemode' | 'limit'>> = [
    {},
    ...SESSION_STATUSES.map((status) => ({ status })),
    ...[...universe.customers.slice(0, 6), 'cus_nobody'].map((related_customer) => ({ related_customer })),
    ...[...universe.accounts, 'acct_nobody'].map((related_customer_account) => ({ related_customer_account })),
    ...[...universe.references, 'ref-nobody'].map((client_reference_id) => ({ client_reference_id })),
    ...ranges.map((created) => ({ created })),
    { status: 'verified', created: ranges[0]! },
    { status: 'requires_input', client_reference_id: universe.references[0] ?? 'ref-1' },
    { related_customer_account: universe.accounts[0] ?? 'acct_1', client_reference_id: universe.references[0] ?? 'ref-1' },
    { status: 'canceled', related_customer: universe.customers[0] ?? 'cus_nobody', created: ranges[1]! },
  ];
  const reportFilters: Array<Omit<ReportQuery, 'livemode' | 'limit'>> = [
    {},
    ...SESSION_TYPES.map((type) => ({ type })),
    ...[...universe.sessionsWithReports.slice(0, 8), 'vs_nobody'].map((verification_session) => ({ verification_session })),
    ...[...universe.references, 'ref-nobody'].map((client_reference_id) => ({ client_reference_id })),
    ...ranges.map((created) => ({ created })),
    { type: 'document', client_reference_id: universe.references[0] ?? 'ref-1' },
    { type: 'id_number', verification_session: universe.sessionsWithReports[0] ?? 'vs_nobody', created: ranges[0]! },
  ];
  const customerFilters: Array<Omit<CustomerQuery, 'livemode' | 'limit'>> = [
    {},
    ...[...universe.emails, 'nobody@example.com'].map((email) => ({ email })),
    ...ranges.map((created) => ({ created })),
    { email: universe.emails[0] ?? 'nobody@example.com', created: ranges[1]! },
  ];

  return [
    ...lookups,
    ...listProbes('listSessions', (rm, query) => rm.listSessions(query), sessionFilters, universe.sessions, 'vs_unknown'),
    ...listProbes('listReports', (rm, query) => rm.listReports(query), reportFilters, universe.reports, 'vr_unknown'),
    ...listProbes('listCustomers', (rm, query) => rm.listCustomers(query), customerFilters, universe.customers, 'cus_unknown'),
  ];
};

export const answersOf = async (readModel: ReadModel, probes: ReadonlyArray<Probe>): Promise<Array<unknown>> => {
  const answers: Array<unknown> = [];
  for (const probe of probes) answers.push(await probe.ask(readModel));
  return answers;
};

/** The probes whose answers differ: label, expected, actual. Deep strict: bigints, Dates and key sets included. */
export const differences = (probes: ReadonlyArray<Probe>, expected: ReadonlyArray<unknown>, actual: ReadonlyArray<unknown>) =>
  probes.flatMap((probe, index) =>
    isDeepStrictEqual(expected[index], actual[index]) ? [] : [{ label: probe.label, expected: expected[index], actual: actual[index] }],
  );
