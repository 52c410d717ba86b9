import type { ActualRevision, EventToAppend, ExpectedRevision, StoreError } from './port.js';

/**
 * The checks every adapter makes before an append, and the revision rule they all apply, so
 * that every store refuses and accepts exactly the same appends.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Stores keep UTF-8: a lone surrogate would come back as U+FFFD, so a name read back would differ.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const invalidAppend = (stream: string, reason: string): StoreError => ({ _tag: 'InvalidAppend', stream, reason });

export const storeClosed: StoreError = { _tag: 'Unavailable', reason: 'the event store is closed' };

export const isExpectedRevision = (u: unknown): u is ExpectedRevision =>
  u === 'no_stream' || u === 'stream_exists' || u === 'any' || (typeof u === 'bigint' && u >= 0n);

/** EventStoreDB's rule for each expected-revision mode. */
export const satisfiesExpectedRevision = (expected: ExpectedRevision, actual: ActualRevision): boolean =>
  expected === 'any' ||
  (expected === 'no_stream' ? actual === 'no_stream' : expected === 'stream_exists' ? actual !== 'no_stream' : actual === expected);

/** Returns a reason when `value` is not a JSON value that survives a round trip unchanged. */
export const jsonProblem = (value: unknown, path: string, ancestors: Set<object> = new Set()): string | undefined => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is not a finite number`;
  if (typeof value !== 'object') return `${path} is a ${typeof value}, not JSON`;
  if (ancestors.has(value)) return `${path} is circular`;
  const proto: unknown = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) return `${path} is not a plain object`;
  if (Object.getOwnPropertySymbols(value).length > 0) return `${path} has symbol keys`;
  ancestors.add(value);
  try {
    if (isArray) {
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return `${path}[${i}] is a hole`;
        const problem = jsonProblem(value[i], `${path}[${i}]`, ancestors);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    for (const [key, child] of Object.entries(value)) {
      const problem = jsonProblem(child, `${path}.${key}`, ancestors);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
};

/** Why an append must be refused before it reaches the store, or undefined. */
export const appendProblem = (stream: string, events: ReadonlyArray<EventToAppend>, expected: unknown): StoreError | undefined => {
  if (typeof stream !== 'string' || stream.length === 0) return invalidAppend(String(stream), 'stream name must be a non-empty string');
  if (stream.startsWith('$')) return invalidAppend(stream, 'stream names starting with "$" are reserved');
  if (LONE_SURROGATE.test(stream)) return invalidAppend(stream, 'stream name must be well-formed Unicode');
  if (!isExpectedRevision(expected)) return invalidAppend(stream, `invalid expected revision ${String(expected)}`);
  if (!Array.isArray(events)) return invalidAppend(stream, 'events must be an array');
  for (const [i, event] of events.entries()) {
    if (typeof event?.id !== 'string' || !UUID.test(event.id)) return invalidAppend(stream, `event ${i}: id must be a UUID`);
    if (typeof event.type !== 'string' || event.type.length === 0) return invalidAppend(stream, `event ${i}: type must be a non-empty string`);
    if (LONE_SURROGATE.test(event.type)) return invalidAppend(stream, `event ${i}: type must be well-formed Unicode`);
    const problem = jsonProblem(event.data, 'data') ?? jsonProblem(event.metadata, 'metadata');
    if (problem !== undefined) return invalidAppend(stream, `event ${i}: ${problem}`);
  }
  return undefined;
};
