import * as E from 'fp-ts/lib/Either.js';
import qs from 'qs';
import { wireError, type WireError } from './wire-error.js';

/**
 * Stripe's form encoding: nested brackets (`options[document][allowed_types][0]=passport`),
 * arrays as `a[]=` or `a[0]=`, brackets raw or percent-encoded, `+` for a space. Parsed by `qs`
 * with its limits raised on purpose and made strict: a body beyond them is refused, never
 * silently flattened or truncated. Objects have no prototype, so `toString=` is just an unknown
 * parameter and `__proto__` never reaches one.
 */
export const FORM_LIMITS = { depth: 8, arrayLimit: 100, parameterLimit: 1000 } as const;

const OPTIONS: qs.IParseOptions & { strictDepth: boolean; throwOnLimitExceeded: boolean } = {
  ...FORM_LIMITS,
  allowPrototypes: true,
  plainObjects: true,
  strictDepth: true,
  throwOnLimitExceeded: true,
};

/** Names as qs reads them: up to the first `]=` if there is one (names may hold `=`), else the first `=`. */
const decodedNames = (text: string): string[] =>
  text.split('&').map((pair) => {
    const bracketEquals = pair.indexOf(']=');
    const end = bracketEquals === -1 ? pair.indexOf('=') : bracketEquals + 1;
    const name = (end === -1 ? pair : pair.slice(0, end)).replaceAll('+', ' ');
    try {
      return decodeURIComponent(name);
    } catch {
      return name;
    }
  });

const bracketDepth = (name: string): number => name.split('[').length - 1;
const largestIndex = (name: string): number => Math.max(-1, ...[...name.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])));

const mostFrequent = (names: ReadonlyArray<string>): string | undefined => {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
};

/**
 * The parameter a limit error is about: the deepest name; the list with the largest index or
 * the most items; or, for too many parameters, the one sent most often.
 */
const offendingParam = (text: string, limit: 'depth' | 'array' | 'count'): string | undefined => {
  const names = decodedNames(text);
  if (limit === 'count') return mostFrequent(names.map((name) => name.split('[')[0] ?? name));
  if (limit === 'depth') return names.reduce((deepest, name) => (bracketDepth(name) > bracketDepth(deepest) ? name : deepest), '');
  const indexed = names.reduce((best, name) => (largestIndex(name) > largestIndex(best) ? name : best), '');
  if (largestIndex(indexed) >= FORM_LIMITS.arrayLimit) return indexed.slice(0, indexed.lastIndexOf('['));
  return mostFrequent(names.filter((name) => name.endsWith('[]')).map((name) => name.slice(0, -2)));
};

export const parseForm = (text: string): E.Either<WireError, Record<string, unknown>> => {
  if (text === '') return E.right({});
  try {
    return E.right(qs.parse(text, OPTIONS) as Record<string, unknown>);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/depth/i.test(reason)) {
      return E.left(wireError(400, 'invalid_value', `Invalid request: parameters may be nested at most ${FORM_LIMITS.depth} levels deep.`, offendingParam(text, 'depth')));
    }
    if (/array/i.test(reason)) {
      return E.left(wireError(400, 'invalid_value', `Invalid request: a list may hold at most ${FORM_LIMITS.arrayLimit} items.`, offendingParam(text, 'array')));
    }
    return E.left(wireError(400, 'invalid_value', `Invalid request: at most ${FORM_LIMITS.parameterLimit} parameters are allowed.`, offendingParam(text, 'count')));
  }
};
