import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { expectError, ok } from '../../testing/either-assertions.js';
import type { IdentityError } from '../errors.js';
import {
  REPORT_LIST_EXPANDABLE_PATHS,
  SESSION_LIST_EXPANDABLE_PATHS,
  decodeListReportsParams,
  decodeListSessionsParams,
} from './index.js';


describe('list sessions', () => {
  it('decodes the spec example query (section 14)', () => {
    // limit=3&status=verified&created[gte]=1700000000&created[lt]=1800000000&expand[0]=data.verified_outputs
    const query = { limit: '3', status: 'verified', created: { gte: '1700000000', lt: '1800000000' }, expand: ['data.verified_outputs'] };
    expect(ok(decodeListSessionsParams(query))).toEqual({
      limit: 3,
      status: 'verified',
      created: { gte: 1700000000, lt: 1800000000 },
      expand: ['data.verified_outputs'],
    });
  });

  it('decodes the seed calls', () => {
    expect(ok(decodeListSessionsParams({ status: 'verified', limit: 10 }))).toEqual({ status: 'verified', limit: 10 });
    expect(ok(decodeListSessionsParams({ created: { gte: 1749204235 }, limit: 100 }))).toEqual({
      created: { gte: 1749204235 },
      limit: 100,
    });
  });

  it('defaults limit to 10 and checks its range', () => {
    expect(ok(decodeListSessionsParams(undefined))).toEqual({ limit: 10 });
    expect(ok(decodeListSessionsParams({ limit: 1 })).limit).toBe(1);
    expect(ok(decodeListSessionsParams({ limit: '100' })).limit).toBe(100);
    const e = expectError(decodeListSessionsParams({ limit: 'abc' }), 'parameter_invalid_integer', 'limit');
    expect(e.message).toBe('Invalid integer: abc');
    expectError(decodeListSessionsParams({ limit: 2.5 }), 'parameter_invalid_integer', 'limit');
    expectError(decodeListSessionsParams({ limit: '1e2' }), 'parameter_invalid_integer', 'limit');
    expectError(decodeListSessionsParams({ limit: '' }), 'parameter_invalid_integer', 'limit');
    expectError(decodeListSessionsParams({ limit: 0 }), 'invalid_value', 'limit');
    expectError(decodeListSessionsParams({ limit: '101' }), 'invalid_value', 'limit');
    expectError(decodeListSessionsParams({ limit: -1 }), 'invalid_value', 'limit');
  });

  it('makes the cursors exclusive', () => {
    expect(ok(decodeListSessionsParams({ starting_after: 'vs_1' })).starting_after).toBe('vs_1');
    expect(ok(decodeListSessionsParams({ ending_before: 'vs_1' })).ending_before).toBe('vs_1');
    const e = expectError(
      decodeListSessionsParams({ starting_after: 'vs_1', ending_before: 'vs_2' }),
      'parameters_exclusive',
      'ending_before',
    );
    expect(e.message).toBe('You may only specify one of these parameters: starting_after, ending_before.');
    expectError(decodeListSessionsParams({ starting_after: '' }), 'parameter_invalid_empty', 'starting_after');
  });

  it('decodes created as an exact integer or a range', () => {
    expect(ok(decodeListSessionsParams({ created: 123 })).created).toEqual({ gte: 123, lte: 123 });
    expect(ok(decodeListSessionsParams({ created: '123' })).created).toEqual({ gte: 123, lte: 123 });
    expect(ok(decodeListSessionsParams({ created: { gt: 1, lte: '9' } })).created).toEqual({ gt: 1, lte: 9 });
    expectError(decodeListSessionsParams({ created: {} }), 'invalid_value', 'created');
    expectError(decodeListSessionsParams({ created: { gte: undefined } }), 'invalid_value', 'created');
    expectError(decodeListSessionsParams({ created: { after: 1 } }), 'parameter_unknown', 'created[after]');
    expectError(decodeListSessionsParams({ created: { gt: 'yesterday' } }), 'parameter_invalid_integer', 'created[gt]');
    expectError(decodeListSessionsParams({ created: 'yesterday' }), 'parameter_invalid_integer', 'created');
    expectError(decodeListSessionsParams({ created: true }), 'parameter_invalid_integer', 'created');
    expectError(decodeListSessionsParams({ created: [1] }), 'parameter_invalid_integer', 'created');
  });

  it('validates the filters', () => {
    const e = expectError(decodeListSessionsParams({ status: 'done' }), 'invalid_value', 'status');
    expect(e.message).toBe('Invalid value for status: must be one of requires_input, processing, verified, canceled');
    expect(ok(decodeListSessionsParams({ related_customer: 'cus_1', related_customer_account: 'acct_1', client_reference_id: 'u' }))).toEqual({
      limit: 10,
      related_customer: 'cus_1',
      related_customer_account: 'acct_1',
      client_reference_id: 'u',
    });
    expectError(decodeListSessionsParams({ type: 'document' }), 'parameter_unknown', 'type');
    expectError(decodeListSessionsParams({ verification_session: 'vs_1' }), 'parameter_unknown', 'verification_session');
  });

  it('accepts only data.-prefixed session paths in expand', () => {
    for (const path of SESSION_LIST_EXPANDABLE_PATHS) ok(decodeListSessionsParams({ expand: [path] }));
    expect(SESSION_LIST_EXPANDABLE_PATHS).toContain('data.last_verification_report.id_number.dob');
    expectError(decodeListSessionsParams({ expand: ['verified_outputs'] }), 'invalid_value', 'expand');
    expectError(decodeListSessionsParams({ expand: ['data.document.dob'] }), 'invalid_value', 'expand');
  });
});

describe('list reports', () => {
  it('decodes the seed call and the filters', () => {
    expect(ok(decodeListReportsParams({ verification_session: 'vs_123', limit: 10 }))).toEqual({
      verification_session: 'vs_123',
      limit: 10,
    });
    expect(ok(decodeListReportsParams({ type: 'id_number', client_reference_id: 'c', created: '5' }))).toEqual({
      type: 'id_number',
      client_reference_id: 'c',
      created: { gte: 5, lte: 5 },
      limit: 10,
    });
    expectError(decodeListReportsParams({ type: 'verification_flow' }), 'invalid_value', 'type');
    expectError(decodeListReportsParams({ status: 'verified' }), 'parameter_unknown', 'status');
    expectError(decodeListReportsParams({ related_customer: 'cus_1' }), 'parameter_unknown', 'related_customer');
    expectError(decodeListReportsParams({ starting_after: 'vr_1', ending_before: 'vr_2' }), 'parameters_exclusive', 'ending_before');
  });

  it('accepts only data.-prefixed report paths in expand', () => {
    for (const path of REPORT_LIST_EXPANDABLE_PATHS) ok(decodeListReportsParams({ expand: [path] }));
    expectError(decodeListReportsParams({ expand: ['document.dob'] }), 'invalid_value', 'expand');
    expectError(decodeListReportsParams({ expand: ['data.verified_outputs'] }), 'invalid_value', 'expand');
  });
});
