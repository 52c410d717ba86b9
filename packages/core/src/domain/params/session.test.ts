import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { expectError, ok } from '../../testing/either-assertions.js';
import type { IdentityError } from '../errors.js';
import {
  decodeCancelParams,
  decodeCreateSessionParams,
  decodeObjectId,
  decodeRedactParams,
  decodeRetrieveParams,
  decodeRetrieveReportParams,
  decodeUpdateSessionParams,
  type CreateSessionParams,
} from './index.js';

const err = <A>(result: E.Either<IdentityError, A>): IdentityError => {
  if (E.isRight(result)) throw new Error(`expected an error, got ${JSON.stringify(result.right)}`);
  return result.left;
};

describe('seed examples (seed-identity-api.md)', () => {
  it('decodes the document-session create', () => {
    const params = {
      type: 'document',
      options: {
        document: {
          allowed_types: ['driving_license', 'passport', 'id_card'],
          require_id_number: true,
          require_live_capture: true,
          require_matching_selfie: true,
        },
      },
      return_url: 'https://example.com/verify/return',
    };
    expect(ok(decodeCreateSessionParams(params))).toEqual(params);
  });

  it('decodes the customer-session create', () => {
    const params = {
      type: 'document',
      related_customer: 'cus_123',
      options: { document: { allowed_types: ['passport'], require_matching_selfie: true } },
      metadata: { purpose: 'account_onboarding', user_id: 'user_456' },
      return_url: 'https://example.com/onboarding/complete',
    };
    expect(ok(decodeCreateSessionParams(params))).toEqual(params);
  });

  it('decodes the id_number create, dropping the empty options[id_number]', () => {
    const details = { first_name: 'John', last_name: 'Doe', dob: { day: 1, month: 1, year: 1990 }, id_number: '123-45-6789' };
    const decoded = ok(
      decodeCreateSessionParams({
        type: 'id_number',
        options: { id_number: {} },
        provided_details: details,
        return_url: 'https://example.com/verify/complete',
      }),
    );
    expect(decoded).toEqual({
      type: 'id_number',
      options: {},
      provided_details: details,
      return_url: 'https://example.com/verify/complete',
    } satisfies CreateSessionParams);
  });

  it('decodes the other creates of the description (template URL, no return_url, customer URL)', () => {
    ok(
      decodeCreateSessionParams({
        type: 'document',
        options: { document: { allowed_types: ['driving_license', 'passport'], require_id_number: true, require_live_capture: true, require_matching_selfie: true } },
        return_url: 'https://example.com/return/{VERIFICATION_SESSION_ID}',
      }),
    );
    ok(
      decodeCreateSessionParams({
        type: 'id_number',
        provided_details: { first_name: 'Jane', last_name: 'Smith', dob: { day: 15, month: 6, year: 1985 }, id_number: '987-65-4321' },
        options: { id_number: {} },
      }),
    );
    ok(
      decodeCreateSessionParams({
        type: 'document',
        related_customer: 'cus_abc',
        options: { document: { allowed_types: ['passport', 'driving_license'], require_matching_selfie: true } },
        return_url: 'https://example.com/onboard/complete?customer=cus_abc',
      }),
    );
  });

  it('decodes the update, retrieve, cancel and redact calls', () => {
    expect(ok(decodeUpdateSessionParams({ metadata: { internal_id: 'verification_789' } }))).toEqual({
      metadata: { internal_id: 'verification_789' },
    });
    expect(ok(decodeRetrieveParams(undefined))).toEqual({});
    expect(ok(decodeCancelParams(undefined))).toEqual({});
    expect(ok(decodeRedactParams({}))).toEqual({});
  });
});

describe('form-encoded requests (spec section 14)', () => {
  it('decodes the create request as qs parses it', () => {
    // type=document&options[document][allowed_types][0]=passport&options[document][allowed_types][1]=id_card
    // &options[document][require_matching_selfie]=true&metadata[user_id]=u%201&expand[0]=verified_outputs
    const form = {
      type: 'document',
      options: { document: { allowed_types: ['passport', 'id_card'], require_matching_selfie: 'true' } },
      metadata: { user_id: 'u 1' },
      expand: ['verified_outputs'],
    };
    expect(ok(decodeCreateSessionParams(form))).toEqual({
      type: 'document',
      options: { document: { allowed_types: ['passport', 'id_card'], require_matching_selfie: true } },
      metadata: { user_id: 'u 1' },
      expand: ['verified_outputs'],
    });
  });

  it('accepts lists as objects with numeric keys, read in index order', () => {
    const decoded = ok(
      decodeCreateSessionParams({
        type: 'document',
        options: { document: { allowed_types: { '1': 'id_card', '0': 'passport' }, require_live_capture: 'false' } },
        expand: { '0': 'verified_outputs', '1': 'verified_outputs.dob' },
      }),
    );
    expect(decoded.options?.document).toEqual({ allowed_types: ['passport', 'id_card'], require_live_capture: false });
    expect(decoded.expand).toEqual(['verified_outputs', 'verified_outputs.dob']);
  });

  it('decodes the clearing update: options[document]=&metadata[user_id]=', () => {
    expect(ok(decodeUpdateSessionParams({ options: { document: '' }, metadata: { user_id: '' } }))).toEqual({
      options: { document: null },
      metadata: { user_id: null },
    });
  });

  it('reads dob members sent as decimal strings', () => {
    const decoded = ok(
      decodeCreateSessionParams({ type: 'id_number', provided_details: { dob: { day: '01', month: '1', year: '1990' } } }),
    );
    expect(decoded.provided_details?.dob).toEqual({ day: 1, month: 1, year: 1990 });
  });
});

describe('create: type and verification_flow', () => {
  it('requires type', () => {
    const e = expectError(decodeCreateSessionParams({ metadata: { a: 'b' } }), 'parameter_missing', 'type');
    expect(e.message).toBe('Missing required param: type.');
    expectError(decodeCreateSessionParams(undefined), 'parameter_missing', 'type');
    expectError(decodeCreateSessionParams({ type: undefined }), 'parameter_missing', 'type');
  });

  it('rejects an unknown type with the list of choices', () => {
    const e = expectError(decodeCreateSessionParams({ type: 'selfie' }), 'invalid_value', 'type');
    expect(e.message).toBe('Invalid value for type: must be one of document, id_number');
    expectError(decodeCreateSessionParams({ type: '' }), 'parameter_invalid_empty', 'type');
  });

  it('treats any verification_flow as a missing resource', () => {
    const e = expectError(decodeCreateSessionParams({ verification_flow: 'vf_123' }), 'resource_missing', 'verification_flow');
    expect(e.message).toBe("No such verification flow: 'vf_123'");
    expect(e.statusCode).toBe(400);
  });

  it('rejects type together with verification_flow', () => {
    expectError(decodeCreateSessionParams({ type: 'document', verification_flow: 'vf_1' }), 'parameters_exclusive', 'verification_flow');
  });
});

describe('create: options', () => {
  it("treats options[document]='' (or null) as no document options, also with type id_number", () => {
    expect(ok(decodeCreateSessionParams({ type: 'document', options: { document: '' } })).options).toEqual({ document: null });
    expect(ok(decodeCreateSessionParams({ type: 'id_number', options: { document: null } })).options).toEqual({ document: null });
  });

  it('rejects document options on an id_number session', () => {
    const e = expectError(
      decodeCreateSessionParams({ type: 'id_number', options: { document: { require_live_capture: true } } }),
      'invalid_value',
      'options[document]',
    );
    expect(e.message).toContain("type is 'id_number'");
  });

  it('accepts an empty options[id_number] and rejects anything inside it', () => {
    expect(ok(decodeCreateSessionParams({ type: 'id_number', options: { id_number: '' } })).options).toEqual({});
    expectError(decodeCreateSessionParams({ type: 'id_number', options: { id_number: { country: 'US' } } }), 'parameter_unknown', 'options[id_number][country]');
    expectError(decodeCreateSessionParams({ type: 'id_number', options: { id_number: 'x' } }), 'invalid_value', 'options[id_number]');
  });

  it('rejects unknown members at every depth', () => {
    expectError(decodeCreateSessionParams({ type: 'document', options: { email: { require_verification: true } } }), 'parameter_unknown', 'options[email]');
    const e = expectError(decodeCreateSessionParams({ type: 'document', options: { document: { foo: 'x' } } }), 'parameter_unknown', 'options[document][foo]');
    expect(e.message).toBe('Received unknown parameter: options[document][foo]');
  });

  it('validates allowed_types items, emptiness and duplicates', () => {
    const bad = (allowed_types: unknown) => decodeCreateSessionParams({ type: 'document', options: { document: { allowed_types } } });
    const e = expectError(bad(['passport', 'visa']), 'invalid_value', 'options[document][allowed_types][1]');
    expect(e.message).toBe('Invalid value for options[document][allowed_types][1]: must be one of driving_license, id_card, passport');
    expectError(bad({ '0': 'passport', '5': 'visa' }), 'invalid_value', 'options[document][allowed_types][5]');
    expectError(bad(['passport', 'id_card', 'passport']), 'invalid_value', 'options[document][allowed_types][2]');
    expectError(bad([]), 'invalid_value', 'options[document][allowed_types]');
    expectError(bad('passport'), 'invalid_value', 'options[document][allowed_types]');
    expectError(bad({ first: 'passport' }), 'invalid_value', 'options[document][allowed_types]');
  });

  it('accepts booleans and their form spellings only', () => {
    const decode = (v: unknown) => decodeCreateSessionParams({ type: 'document', options: { document: { require_id_number: v } } });
    expect(ok(decode('true')).options?.document).toEqual({ require_id_number: true });
    expect(ok(decode(false)).options?.document).toEqual({ require_id_number: false });
    const e = expectError(decode('yes'), 'invalid_value', 'options[document][require_id_number]');
    expect(e.message).toBe('Invalid boolean: yes');
    expectError(decode(1), 'invalid_value', 'options[document][require_id_number]');
    expectError(decode(''), 'parameter_invalid_empty', 'options[document][require_id_number]');
  });
});

describe('create: provided_details', () => {
  const details = (provided_details: unknown) => decodeCreateSessionParams({ type: 'id_number', provided_details });

  it('checks email and normalises phone numbers to E.164', () => {
    expectError(details({ email: 'jenny.example.com' }), 'email_invalid', 'provided_details[email]');
    expect(ok(details({ email: 'jenny@example.com' })).provided_details).toEqual({ email: 'jenny@example.com' });
    expect(ok(details({ phone: '+1 (415) 555-0100' })).provided_details).toEqual({ phone: '+14155550100' });
    expectError(details({ phone: '4155550100' }), 'invalid_value', 'provided_details[phone]');
    expectError(details({ phone: '+0123456789' }), 'invalid_value', 'provided_details[phone]');
    expectError(details({ phone: '+1234567890123456' }), 'invalid_value', 'provided_details[phone]');
  });

  it('never echoes personal data in messages', () => {
    expect(err(details({ email: 'secret-address' })).message).not.toContain('secret-address');
    expect(err(details({ dob: { day: '1x', month: 1, year: 1990 } })).message).not.toContain('1x');
  });

  it('requires a real calendar date of birth', () => {
    expect(ok(details({ dob: { day: 29, month: 2, year: 2000 } })).provided_details?.dob).toEqual({ day: 29, month: 2, year: 2000 });
    expectError(details({ dob: { day: 29, month: 2, year: 1900 } }), 'invalid_date', 'provided_details[dob]');
    expectError(details({ dob: { day: 31, month: 4, year: 1990 } }), 'invalid_date', 'provided_details[dob]');
    expectError(details({ dob: { day: 1, month: 13, year: 1990 } }), 'invalid_date', 'provided_details[dob]');
    expectError(details({ dob: { day: 1, month: 1, year: 90 } }), 'invalid_date', 'provided_details[dob]');
    expectError(details({ dob: { day: 1, month: 1 } }), 'parameter_missing', 'provided_details[dob][year]');
    expectError(details({ dob: { day: 'first', month: 1, year: 1990 } }), 'parameter_invalid_integer', 'provided_details[dob][day]');
    expectError(details({ dob: '1990-01-01' }), 'invalid_value', 'provided_details[dob]');
  });

  it('validates the id_number extension and rejects unknown details', () => {
    expect(ok(details({ id_number: '123-45-6789', id_number_type: 'us_ssn' })).provided_details).toEqual({
      id_number: '123-45-6789',
      id_number_type: 'us_ssn',
    });
    expectError(details({ id_number: '' }), 'parameter_invalid_empty', 'provided_details[id_number]');
    expectError(details({ id_number_type: 'uk_nino' }), 'invalid_value', 'provided_details[id_number_type]');
    expectError(details({ ssn: '123' }), 'parameter_unknown', 'provided_details[ssn]');
    expectError(details({ first_name: 'x'.repeat(5001) }), 'string_too_long', 'provided_details[first_name]');
  });
});

describe('create: other parameters', () => {
  const create = (extra: Record<string, unknown>) => decodeCreateSessionParams({ type: 'document', ...extra });

  it('requires both members of related_person', () => {
    expect(ok(create({ related_person: { account: 'acct_1', person: 'person_1' } })).related_person).toEqual({ account: 'acct_1', person: 'person_1' });
    expectError(create({ related_person: { account: 'acct_1' } }), 'parameter_missing', 'related_person[person]');
    expectError(create({ related_person: { account: 'acct_1', person: 'person_1', role: 'x' } }), 'parameter_unknown', 'related_person[role]');
  });

  it('requires an absolute http(s) return_url', () => {
    for (const url of ['/return', 'example.com/return', 'ftp://example.com/x', 'javascript:alert(1)', 'https://exa mple.com/', 'https:///path', 'https:example.com', 'HTTPS://']) {
      expectError(create({ return_url: url }), 'url_invalid', 'return_url');
    }
    expect(ok(create({ return_url: 'http://localhost:3000/r?session={VERIFICATION_SESSION_ID}' })).return_url).toBe(
      'http://localhost:3000/r?session={VERIFICATION_SESSION_ID}',
    );
  });

  it('limits strings to 5000 characters and rejects empty or mistyped ones', () => {
    expect(ok(create({ client_reference_id: 'x'.repeat(5000) })).client_reference_id).toHaveLength(5000);
    expect(ok(create({ client_reference_id: '😀'.repeat(5000) })).client_reference_id).toHaveLength(10000);
    const e = expectError(create({ client_reference_id: 'x'.repeat(5001) }), 'string_too_long', 'client_reference_id');
    expect(e.message).toContain('5000');
    expectError(create({ related_customer: '' }), 'parameter_invalid_empty', 'related_customer');
    expectError(create({ related_customer: null }), 'parameter_invalid_empty', 'related_customer');
    expectError(create({ related_customer_account: 42 }), 'invalid_value', 'related_customer_account');
    expect(ok(create({ related_customer: undefined, zzz: undefined }))).toEqual({ type: 'document' });
  });

  it('validates expansion paths for sessions', () => {
    expect(ok(create({ expand: ['last_verification_report.document.dob', 'verified_outputs.sex'] })).expand).toEqual([
      'last_verification_report.document.dob',
      'verified_outputs.sex',
    ]);
    const e = expectError(create({ expand: ['verified_outputs', 'data.verified_outputs'] }), 'invalid_value', 'expand');
    expect(e.message).toContain('(data.verified_outputs)');
    expectError(create({ expand: ['last_verification_report.document'] }), 'invalid_value', 'expand');
    expectError(create({ expand: ['x'.repeat(5001)] }), 'string_too_long', 'expand[0]');
    expectError(create({ expand: 'verified_outputs' }), 'invalid_value', 'expand');
  });

  it('reports unknown parameters first, then the first bad parameter in spec order', () => {
    expectError(create({ type: 'selfie', zzz: 1 }), 'parameter_unknown', 'zzz');
    expectError(create({ client_reference_id: 5, type: 'selfie' }), 'invalid_value', 'client_reference_id');
    expectError(create({ return_url: 'nope', metadata: 'x' }), 'metadata_invalid', 'metadata');
    const e = err(decodeCreateSessionParams('type=document'));
    expect(e.code).toBe('invalid_value');
    expect(e.param).toBeUndefined();
  });
});

describe('update', () => {
  it('rejects the parameters that cannot be updated', () => {
    for (const key of ['client_reference_id', 'related_customer', 'related_customer_account', 'related_person', 'return_url', 'verification_flow']) {
      expectError(decodeUpdateSessionParams({ [key]: 'x' }), 'parameter_unknown', key);
    }
  });

  it('decodes metadata changes: clear all, delete keys, set keys', () => {
    expect(ok(decodeUpdateSessionParams({ metadata: '' }))).toEqual({ metadata: null });
    expect(ok(decodeUpdateSessionParams({ metadata: null }))).toEqual({ metadata: null });
    expect(ok(decodeUpdateSessionParams({ metadata: { a: '', b: null, c: 'x', d: 7 } }))).toEqual({
      metadata: { a: null, b: null, c: 'x', d: '7' },
    });
  });

  it('accepts type and options, but not document options with type id_number', () => {
    expect(ok(decodeUpdateSessionParams({ type: 'id_number', options: { document: '' } }))).toEqual({
      type: 'id_number',
      options: { document: null },
    });
    expectError(decodeUpdateSessionParams({ type: 'id_number', options: { document: {} } }), 'invalid_value', 'options[document]');
    expect(ok(decodeUpdateSessionParams({ options: { document: { require_matching_selfie: 'true' } } }))).toEqual({
      options: { document: { require_matching_selfie: true } },
    });
  });
});

describe('retrieve, cancel, redact and ids', () => {
  it('accepts only expand, with session or report paths', () => {
    expect(ok(decodeRetrieveParams({ expand: ['verified_outputs'] }))).toEqual({ expand: ['verified_outputs'] });
    expectError(decodeCancelParams({ reason: 'x' }), 'parameter_unknown', 'reason');
    expectError(decodeRedactParams({ expand: ['document.dob'] }), 'invalid_value', 'expand');
    expect(ok(decodeRetrieveReportParams({ expand: ['document.dob', 'id_number.id_number'] }))).toEqual({
      expand: ['document.dob', 'id_number.id_number'],
    });
    expectError(decodeRetrieveReportParams({ expand: ['verified_outputs'] }), 'invalid_value', 'expand');
  });

  it('checks the form of ids but not their prefix', () => {
    const sessionId = decodeObjectId('vs_', 'VerificationSession');
    expect(ok(sessionId('vs_123'))).toBe('vs_123');
    expect(ok(sessionId('vr_123'))).toBe('vr_123');
    expectError(sessionId(''), 'parameter_invalid_string_empty', 'id');
    expectError(sessionId(undefined), 'invalid_value', 'id');
    expectError(sessionId(42), 'invalid_value', 'id');
    expectError(sessionId('vs_1 23'), 'invalid_value', 'id');
    expectError(sessionId('x'.repeat(5001)), 'string_too_long', 'id');
  });
});
