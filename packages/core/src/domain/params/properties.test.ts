/**
 * Properties over every operation: (1) an unknown top-level parameter is always reported as such,
 * (2) one known field given a value of the wrong kind is always reported at that field's path,
 * (3) valid parameters always decode to the values given, from JS values and from form input.
 */
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { IdentityError } from '../errors.js';
import { DOCUMENT_TYPES, ID_NUMBER_TYPES, SESSION_STATUSES } from '../shared/values.js';
import {
  REPORT_EXPANDABLE_PATHS,
  REPORT_LIST_EXPANDABLE_PATHS,
  SESSION_EXPANDABLE_PATHS,
  SESSION_LIST_EXPANDABLE_PATHS,
  VERIFICATION_TYPES,
  daysInMonth,
  decodeCancelParams,
  decodeCreateCustomerParams,
  decodeCreateSessionParams,
  decodeListCustomersParams,
  decodeListReportsParams,
  decodeListSessionsParams,
  decodeRedactParams,
  decodeRetrieveCustomerParams,
  decodeRetrieveParams,
  decodeRetrieveReportParams,
  decodeUpdateCustomerParams,
  decodeUpdateSessionParams,
} from './index.js';

type Params = Record<string, unknown>;

interface Operation {
  readonly name: string;
  readonly decode: (input: unknown) => E.Either<IdentityError, unknown>;
  /** Top-level parameters, from the spec (section 1) rather than from the codecs. */
  readonly known: readonly string[];
  readonly valid: fc.Arbitrary<Params>;
  readonly expected: (params: Params) => unknown;
  /** A valid request with every field set: fills parents of a corrupted field when absent. */
  readonly full: Params;
  readonly corruptions: ReadonlyArray<readonly [string, readonly unknown[]]>;
}

// ---- arbitraries of valid values ----
const text = fc.string({ minLength: 1, maxLength: 30 });
const objectId = (prefix: string) => fc.stringMatching(/^[A-Za-z0-9]{1,24}$/).map((s) => prefix + s);
const metadataKey = fc.string({ minLength: 1, maxLength: 40 }).filter((k) => !/[[\]]/.test(k));
const metadata = fc.dictionary(metadataKey, fc.string({ minLength: 1, maxLength: 60 }), { maxKeys: 8 });
const metadataUpdate = fc.option(fc.dictionary(metadataKey, fc.option(text, { nil: null }), { maxKeys: 8 }), { nil: null });
const email = fc.emailAddress().filter((e) => e.length <= 512);
const phone = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^\d{6,14}$/)).map(([cc, rest]) => `+${cc}${rest}`);
const dob = fc.integer({ min: 1000, max: 9999 }).chain((year) =>
  fc.integer({ min: 1, max: 12 }).chain((month) =>
    fc.integer({ min: 1, max: daysInMonth(year, month) }).map((day) => ({ day, month, year })),
  ),
);
const documentOptions = fc.record(
  {
    allowed_types: fc.uniqueArray(fc.constantFrom(...DOCUMENT_TYPES), { minLength: 1 }),
    require_id_number: fc.boolean(),
    require_live_capture: fc.boolean(),
    require_matching_selfie: fc.boolean(),
  },
  { requiredKeys: [] },
);
const options = fc.record({ document: fc.option(documentOptions, { nil: null }) }, { requiredKeys: [] });
const providedDetails = fc.record(
  {
    email,
    phone,
    first_name: text,
    last_name: text,
    dob,
    id_number: text,
    id_number_type: fc.constantFrom(...ID_NUMBER_TYPES),
  },
  { requiredKeys: [] },
);
const returnUrl = fc.oneof(
  fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true }),
  fc.constant('https://example.com/return/{VERIFICATION_SESSION_ID}'),
);
const expandOf = (paths: readonly string[]) => fc.array(fc.constantFrom(...paths), { minLength: 1, maxLength: 3 });
const created = fc.oneof(
  fc.integer(),
  fc.record({ gt: fc.integer(), gte: fc.integer(), lt: fc.integer(), lte: fc.integer() }, { requiredKeys: [] }).filter(
    (r) => Object.keys(r).length > 0,
  ),
);
const cursors = fc.oneof(fc.constant({}), fc.record({ starting_after: objectId('vs_') }), fc.record({ ending_before: objectId('vs_') }));
const listParams = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(fc.record({ ...fields, created, limit: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: [] }), cursors)
    .map(([a, b]): Params => ({ ...a, ...b }));
const noDocumentOptionsWithIdNumber = (p: Params) =>
  !(p.type === 'id_number' && typeof p.options === 'object' && p.options !== null && (p.options as Params).document);

// ---- expected decodings ----
const same = (p: Params): unknown => p;
const listExpected = (p: Params): unknown => ({
  ...p,
  limit: p.limit ?? 10,
  ...(typeof p.created === 'number' ? { created: { gte: p.created, lte: p.created } } : {}),
});

// ---- wrong kinds ----
const STR = [5, true, { a: 'b' }, ['x']];
const ENUM = [5, true, {}, 'bogus'];
const BOOL = [5, 'yes', {}, ['true']];
const INT = ['abc', 1.5, true, {}];
const OBJ = [5, 'x', true, ['a']];
const LIST = [5, 'x', true, { a: 'x' }];
const EXPAND = [...LIST, ['not.a.path']];
const expandFields = (_paths: readonly string[]) => [['expand', EXPAND], ['expand[0]', [5, {}, true, '']]] as const;
const pageCorruptions = [
  ['created', ['abc', 1.5, true, [], {}]],
  ['created[gte]', INT],
  ['created[lt]', INT],
  ['ending_before', STR],
  ['limit', ['abc', 1.5, 0, 101, true, {}]],
  ['starting_after', STR],
] as const;
const fullPage = { created: { gt: 1, gte: 2, lt: 9, lte: 8 }, limit: 5, starting_after: 'x_1' };

const fullDetails = {
  email: 'jenny@example.com',
  phone: '+14155550100',
  first_name: 'Jenny',
  last_name: 'Rosen',
  dob: { day: 15, month: 6, year: 1985 },
  id_number: '123-45-6789',
  id_number_type: 'us_ssn',
};
const fullOptions = { document: { allowed_types: ['passport'], require_id_number: true, require_live_capture: true, require_matching_selfie: false } };
const sessionFieldCorruptions = [
  ['metadata', OBJ],
  ['metadata[k]', [{}, true, [], 'v'.repeat(501)]],
  ['options', OBJ],
  ['options[document]', OBJ],
  ['options[document][allowed_types]', [...LIST, []]],
  ['options[document][allowed_types][0]', ENUM],
  ['options[document][require_id_number]', BOOL],
  ['options[document][require_live_capture]', BOOL],
  ['options[document][require_matching_selfie]', BOOL],
  ['provided_details', OBJ],
  ['provided_details[email]', [...STR, 'not-an-email']],
  ['provided_details[phone]', [...STR, '12345']],
  ['provided_details[first_name]', STR],
  ['provided_details[last_name]', STR],
  ['provided_details[dob]', [...OBJ, { day: 31, month: 2, year: 2000 }]],
  ['provided_details[dob][day]', INT],
  ['provided_details[dob][month]', INT],
  ['provided_details[dob][year]', INT],
  ['provided_details[id_number]', STR],
  ['provided_details[id_number_type]', ENUM],
  ['type', ENUM],
] as const;

const expandOnly = (name: string, decode: Operation['decode'], paths: readonly string[]): Operation => ({
  name,
  decode,
  known: ['expand'],
  valid: paths.length === 0 ? fc.constant({}) : fc.record({ expand: expandOf(paths) }, { requiredKeys: [] }),
  expected: same,
  full: { expand: [...paths.slice(0, 1)] },
  corruptions: expandFields(paths),
});

const operations: readonly Operation[] = [
  {
    name: 'create session',
    decode: decodeCreateSessionParams,
    known: ['client_reference_id', 'expand', 'metadata', 'options', 'provided_details', 'related_customer', 'related_customer_account', 'related_person', 'return_url', 'type', 'verification_flow'],
    valid: fc
      .record(
        {
          type: fc.constantFrom(...VERIFICATION_TYPES),
          client_reference_id: text,
          expand: expandOf(SESSION_EXPANDABLE_PATHS),
          metadata,
          options,
          provided_details: providedDetails,
          related_customer: objectId('cus_'),
          related_customer_account: objectId('acct_'),
          related_person: fc.record({ account: objectId('acct_'), person: objectId('person_') }),
          return_url: returnUrl,
        },
        { requiredKeys: ['type'] },
      )
      .filter(noDocumentOptionsWithIdNumber),
    expected: same,
    full: {
      type: 'document',
      client_reference_id: 'u',
      expand: ['verified_outputs'],
      metadata: { a: 'b' },
      options: fullOptions,
      provided_details: fullDetails,
      related_person: { account: 'acct_1', person: 'person_1' },
    },
    corruptions: [
      ...sessionFieldCorruptions,
      ...expandFields(SESSION_EXPANDABLE_PATHS),
      ['client_reference_id', STR],
      ['related_customer', STR],
      ['related_customer_account', STR],
      ['related_person', OBJ],
      ['related_person[account]', STR],
      ['related_person[person]', STR],
      ['return_url', [...STR, '/relative', 'ftp://example.com/']],
      ['verification_flow', STR],
    ],
  },
  {
    name: 'update session',
    decode: decodeUpdateSessionParams,
    known: ['expand', 'metadata', 'options', 'provided_details', 'type'],
    valid: fc
      .record(
        {
          expand: expandOf(SESSION_EXPANDABLE_PATHS),
          metadata: metadataUpdate,
          options,
          provided_details: providedDetails,
          type: fc.constantFrom(...VERIFICATION_TYPES),
        },
        { requiredKeys: [] },
      )
      .filter(noDocumentOptionsWithIdNumber),
    expected: same,
    full: { expand: ['verified_outputs'], metadata: { a: 'b' }, options: fullOptions, provided_details: fullDetails },
    corruptions: [...sessionFieldCorruptions, ...expandFields(SESSION_EXPANDABLE_PATHS)],
  },
  expandOnly('retrieve session', decodeRetrieveParams, SESSION_EXPANDABLE_PATHS),
  expandOnly('cancel session', decodeCancelParams, SESSION_EXPANDABLE_PATHS),
  expandOnly('redact session', decodeRedactParams, SESSION_EXPANDABLE_PATHS),
  expandOnly('retrieve report', decodeRetrieveReportParams, REPORT_EXPANDABLE_PATHS),
  expandOnly('retrieve customer', decodeRetrieveCustomerParams, []),
  {
    name: 'list sessions',
    decode: decodeListSessionsParams,
    known: ['client_reference_id', 'created', 'ending_before', 'expand', 'limit', 'related_customer', 'related_customer_account', 'starting_after', 'status'],
    valid: listParams({
      client_reference_id: text,
      expand: expandOf(SESSION_LIST_EXPANDABLE_PATHS),
      related_customer: objectId('cus_'),
      related_customer_account: objectId('acct_'),
      status: fc.constantFrom(...SESSION_STATUSES),
    }),
    expected: listExpected,
    full: { ...fullPage, expand: ['data.verified_outputs'] },
    corruptions: [
      ...pageCorruptions,
      ...expandFields(SESSION_LIST_EXPANDABLE_PATHS),
      ['client_reference_id', STR],
      ['related_customer', STR],
      ['related_customer_account', STR],
      ['status', ENUM],
    ],
  },
  {
    name: 'list reports',
    decode: decodeListReportsParams,
    known: ['client_reference_id', 'created', 'ending_before', 'expand', 'limit', 'starting_after', 'type', 'verification_session'],
    valid: listParams({
      client_reference_id: text,
      expand: expandOf(REPORT_LIST_EXPANDABLE_PATHS),
      type: fc.constantFrom(...VERIFICATION_TYPES),
      verification_session: objectId('vs_'),
    }),
    expected: listExpected,
    full: { ...fullPage, expand: ['data.document.dob'] },
    corruptions: [
      ...pageCorruptions,
      ...expandFields(REPORT_LIST_EXPANDABLE_PATHS),
      ['client_reference_id', STR],
      ['type', ENUM],
      ['verification_session', STR],
    ],
  },
  {
    name: 'create customer',
    decode: decodeCreateCustomerParams,
    known: ['email', 'expand', 'metadata', 'name'],
    valid: fc.record({ email, metadata, name: fc.string({ minLength: 1, maxLength: 256 }) }, { requiredKeys: [] }),
    expected: same,
    full: { email: 'a@example.com', expand: [], metadata: { a: 'b' }, name: 'A' },
    corruptions: [...expandFields([]), ['email', [...STR, 'nope']], ['metadata', OBJ], ['metadata[k]', [{}, true]], ['name', STR]],
  },
  {
    name: 'update customer',
    decode: decodeUpdateCustomerParams,
    known: ['email', 'expand', 'metadata', 'name'],
    valid: fc.record(
      { email: fc.option(email, { nil: null }), metadata: metadataUpdate, name: fc.option(text, { nil: null }) },
      { requiredKeys: [] },
    ),
    expected: same,
    full: { email: 'a@example.com', expand: [], metadata: { a: 'b' }, name: 'A' },
    corruptions: [...expandFields([]), ['email', [...STR, 'nope']], ['metadata', OBJ], ['metadata[k]', [{}, true]], ['name', STR]],
  },
  {
    name: 'list customers',
    decode: decodeListCustomersParams,
    known: ['created', 'email', 'ending_before', 'expand', 'limit', 'starting_after'],
    valid: listParams({ email: text }),
    expected: listExpected,
    full: { ...fullPage, expand: [] },
    corruptions: [...pageCorruptions, ...expandFields([]), ['email', STR]],
  },
];

// ---- helpers ----
const segments = (path: string): string[] => path.replace(/\]/g, '').split('[');

const corrupt = (base: Params, full: Params, path: string, value: unknown): Params => {
  const root: Params = structuredClone({ ...base });
  const keys = segments(path);
  let node = root;
  let filler: unknown = full;
  for (const key of keys.slice(0, -1)) {
    filler = (filler as Params | undefined)?.[key];
    const current = node[key];
    if (typeof current !== 'object' || current === null) {
      if (filler === undefined) throw new Error(`no filler for ${path} at ${key}`);
      node[key] = structuredClone(filler);
    }
    node = node[key] as Params;
  }
  node[keys[keys.length - 1] as string] = value;
  return root;
};

/** What a form body parsed by `qs` looks like: strings, '' for null, lists as arrays or indexed objects. */
const toForm = (value: unknown, indexed: boolean): unknown => {
  if (value === null) return '';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => toForm(v, indexed));
    return indexed && items.length > 0 ? Object.fromEntries(items.map((v, i) => [String(i), v])) : items;
  }
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toForm(v, indexed)]));
  return value;
};

const unknownKey = (known: readonly string[]) =>
  fc
    .oneof(
      fc.string(),
      fc.constantFrom('document', 'allowed_types', 'email', 'phone', 'id_number', 'verification_flow', 'status', 'data', 'id', '__proto__', 'constructor', 'Type', 'expand[]', 'limit '),
    )
    .filter((k) => !known.includes(k));
const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.dictionary(fc.string(), fc.string()));

describe.each(operations)('$name', (op) => {
  it('rejects any unknown top-level parameter, naming it', () => {
    fc.assert(
      fc.property(op.valid, unknownKey(op.known), anyValue, fc.boolean(), (base, key, value, first) => {
        const input = first ? { [key]: value, ...base } : { ...base, [key]: value };
        const result = op.decode(input);
        expect(E.isLeft(result) && { code: result.left.code, param: result.left.param }).toEqual({ code: 'parameter_unknown', param: key });
      }),
    );
  });

  it('reports a field of the wrong kind at its path', () => {
    const cases = op.corruptions.flatMap(([path, values]) => values.map((value) => [path, value] as const));
    fc.assert(
      fc.property(op.valid, fc.constantFrom(...cases), (base, [path, value]) => {
        const result = op.decode(corrupt(base, op.full, path, value));
        expect(E.isLeft(result) && result.left.param).toBe(path);
      }),
    );
  });

  it('decodes valid parameters to the values given, from JS and from form input', () => {
    fc.assert(
      fc.property(op.valid, fc.boolean(), (params, indexed) => {
        expect(op.decode(params)).toEqual(E.right(op.expected(params)));
        expect(op.decode(toForm(params, indexed))).toEqual(E.right(op.expected(params)));
      }),
    );
  });
});
