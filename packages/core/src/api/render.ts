import type { CustomerData } from '../domain/customer/customer.js';
import type { Report } from '../domain/shared/report.js';
import type { VerifiedOutputs } from '../domain/shared/values.js';
import { URL_LIFETIME_SECONDS, type SessionData } from '../domain/verification-session/state.js';
import type { CustomerObject, VerificationReportObject, VerificationSessionObject } from './objects.js';

/**
 * Views → Stripe's objects. Includable fields (dob, id numbers, …) are absent unless their own
 * path is expanded, exactly as Stripe serves them; `verified_outputs` appears only when expanded.
 */

export interface SessionRenderContext {
  readonly token: (session: SessionData) => string;
  readonly hostedFlowBaseUrl: string;
}

const OUTPUT_INCLUDABLE = ['dob', 'id_number', 'sex', 'unparsed_place_of_birth', 'unparsed_sex'] as const;
const DOCUMENT_INCLUDABLE = ['dob', 'number', 'sex', 'unparsed_place_of_birth', 'unparsed_sex'] as const;
const ID_NUMBER_INCLUDABLE = ['dob', 'id_number'] as const;

const without = <T extends object>(value: T, includable: ReadonlyArray<string>, expanded: (field: string) => boolean): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([key]) => !includable.includes(key) || expanded(key))) as Partial<T>;

/** Paths below `prefix.`, with the prefix removed. */
export const subPaths = (expand: ReadonlyArray<string>, prefix: string): ReadonlyArray<string> =>
  expand.filter((path) => path.startsWith(`${prefix}.`)).map((path) => path.slice(prefix.length + 1));

export const renderReport = (
  report: Report,
  owner: { readonly sessionId: string; readonly livemode: boolean; readonly clientReferenceId: string | null },
  expand: ReadonlyArray<string> = [],
): VerificationReportObject => {
  const documentPaths = subPaths(expand, 'document');
  const idNumberPaths = subPaths(expand, 'id_number');
  return {
    id: report.id,
    object: 'identity.verification_report',
    client_reference_id: owner.clientReferenceId,
    created: report.created,
    livemode: owner.livemode,
    options: report.options,
    type: report.type,
    verification_session: owner.sessionId,
    ...(report.document ? { document: without(report.document, DOCUMENT_INCLUDABLE, (field) => documentPaths.includes(field)) } : {}),
    ...(report.id_number ? { id_number: without(report.id_number, ID_NUMBER_INCLUDABLE, (field) => idNumberPaths.includes(field)) } : {}),
    ...(report.selfie ? { selfie: report.selfie } : {}),
  };
};

const renderOutputs = (outputs: VerifiedOutputs | null, expand: ReadonlyArray<string>): Partial<VerifiedOutputs> | null => {
  if (outputs === null) return null;
  const paths = subPaths(expand, 'verified_outputs');
  return without(outputs, OUTPUT_INCLUDABLE, (field) => paths.includes(field));
};

export const renderSession = (
  session: SessionData,
  context: SessionRenderContext,
  expand: ReadonlyArray<string> = [],
  options: { readonly forEvent?: boolean } = {},
): VerificationSessionObject => {
  // Credentials are live only while the user can still act; event payloads never carry them.
  const token = session.status === 'requires_input' && session.redaction === null && !options.forEvent ? context.token(session) : null;
  // Only an expand looks at the reports: a stored session may decode them only when asked.
  const lastReport = expand.includes('last_verification_report')
    ? session.reports.find((report) => report.id === session.lastVerificationReport)
    : undefined;
  const providedDetails = session.providedDetails && Object.keys(session.providedDetails).length > 0 ? session.providedDetails : null;
  // Built in steps, in the same key order, rather than with conditional spreads, which make V8 build
  // the object slowly and through throwaway ones: a list page renders a hundred of these.
  const head: Mutable<Omit<VerificationSessionObject, 'related_person' | 'status' | 'type' | 'url' | 'verified_outputs'>> = {
    id: session.id,
    object: 'identity.verification_session',
    client_reference_id: session.clientReferenceId,
    client_secret: token === null ? null : `${session.id}_secret_${token}`,
    created: session.created,
    expires: session.secretMintedAt + URL_LIFETIME_SECONDS,
    last_error: session.lastError,
    last_verification_report: lastReport
      ? renderReport(
          lastReport,
          { sessionId: session.id, livemode: session.livemode, clientReferenceId: session.clientReferenceId },
          subPaths(expand, 'last_verification_report'),
        )
      : session.lastVerificationReport,
    livemode: session.livemode,
    metadata: session.metadata,
    options: session.options,
    provided_details: providedDetails,
    redaction: session.redaction,
    related_customer: session.relatedCustomer,
    related_customer_account: session.relatedCustomerAccount,
  };
  const rendered = head as Mutable<VerificationSessionObject>;
  if (session.relatedPerson) rendered.related_person = session.relatedPerson;
  rendered.status = session.status;
  rendered.type = session.type;
  rendered.url = token === null ? null : `${context.hostedFlowBaseUrl}${token}`;
  if (expand.includes('verified_outputs')) rendered.verified_outputs = renderOutputs(session.verifiedOutputs, expand);
  return rendered;
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const renderCustomer = (customer: CustomerData): CustomerObject => ({
  id: customer.id,
  object: 'customer',
  created: customer.created,
  email: customer.email,
  livemode: customer.livemode,
  metadata: customer.metadata,
  name: customer.name,
});

/** `expand[]=data.x` on a list means `x` on each item. */
export const listItemExpand = (expand: ReadonlyArray<string> | undefined): ReadonlyArray<string> => subPaths(expand ?? [], 'data');
