import type { AuditEntry, VerificationReportObject, VerificationSessionObject } from '@idledger/core';
import { isoSeconds, table } from '../output.js';

/** How sessions, reports and audit timelines read in a terminal. */

export const sessionsTable = (sessions: ReadonlyArray<VerificationSessionObject>): string =>
  table(
    ['ID', 'TYPE', 'STATUS', 'CREATED', 'LAST ERROR', 'REDACTION', 'CUSTOMER'],
    sessions.map((session) => [
      session.id,
      session.type,
      session.status,
      isoSeconds(session.created),
      session.last_error?.code ?? '-',
      session.redaction?.status ?? '-',
      session.related_customer ?? '-',
    ]),
  );

const checkSummary = (report: VerificationReportObject): string =>
  (['document', 'selfie', 'id_number'] as const)
    .flatMap((check) => {
      const section = report[check];
      if (section === undefined) return [];
      return [`${check}=${section.status}${section.error?.code ? ` (${section.error.code})` : ''}`];
    })
    .join(', ');

export const reportsTable = (reports: ReadonlyArray<VerificationReportObject>): string =>
  table(
    ['ID', 'SESSION', 'TYPE', 'CREATED', 'CHECKS'],
    reports.map((report) => [report.id, report.verification_session ?? '-', report.type, isoSeconds(report.created), checkSummary(report)]),
  );

const actorLabel = (actor: AuditEntry['actor']): string => {
  switch (actor.type) {
    case 'api_key':
      return actor.key;
    case 'end_user':
      return `end user (${actor.session})`;
    case 'system':
      return `system:${actor.component}`;
  }
};

export const timeline = (entries: ReadonlyArray<AuditEntry>): string =>
  table(
    ['REV', 'OCCURRED AT', 'EVENT', 'STATUS', 'ACTOR', 'REQUEST', 'CHANGED'],
    entries.map((entry) => [
      String(entry.revision),
      entry.occurred_at.toISOString(),
      entry.type,
      `${entry.status_before ?? '-'} → ${entry.status_after}`,
      actorLabel(entry.actor),
      entry.request_id ?? `caused by ${entry.causation_id ?? '-'}`,
      entry.changed_fields.join(', '),
    ]),
  );

/** Key: value lines for one object, nested objects as compact JSON. */
export const details = (object: object): string =>
  Object.entries(object)
    .map(([key, value]) => `${key.padEnd(26)} ${value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join('\n');
