/**
 * `return_url`: an absolute `http://` or `https://` URL with a host, at most 5000 characters, without
 * whitespace or control characters (which URL parsing would silently drop). The literal template
 * `{VERIFICATION_SESSION_ID}` may appear anywhere; it is validated as if it were a session id and
 * stored unchanged. Failures: code `url_invalid`, param `return_url`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { invalidParameter } from '../errors.js';
import { refine, str, type Codec } from './primitives.js';

export const SESSION_ID_TEMPLATE = '{VERIFICATION_SESSION_ID}';

// eslint-disable-next-line no-control-regex
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;
/** Spelled out, since URL parsing also accepts `https:example.com` and `https:///host`. */
const ABSOLUTE_HTTP_PREFIX = /^https?:\/\/[^/\\?#]/i;

export const isAbsoluteHttpUrl = (value: string): boolean => {
  if (WHITESPACE_OR_CONTROL.test(value) || !ABSOLUTE_HTTP_PREFIX.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value.split(SESSION_ID_TEMPLATE).join('vs_template'));
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
};

export const returnUrl: Codec<string> = refine(str(), 'return_url', (value, param) =>
  isAbsoluteHttpUrl(value)
    ? E.right(value)
    : E.left(invalidParameter(param, `Invalid URL: ${param} must be an absolute http or https URL`, 'url_invalid')),
);
