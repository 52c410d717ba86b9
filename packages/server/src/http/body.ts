import type { IncomingMessage } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import { wireError, type WireError } from './wire-error.js';

/**
 * Reads a request body up to `maxBytes`. A larger body is refused with a 413 as soon as the limit
 * is passed (or at once from its Content-Length), without buffering the rest.
 */
export const readBody = (request: IncomingMessage, maxBytes: number): Promise<E.Either<WireError, string>> =>
  readBytes(request, maxBytes).then(E.map((bytes) => Buffer.from(bytes).toString('utf8')));

export const readBytes = (request: IncomingMessage, maxBytes: number): Promise<E.Either<WireError, Uint8Array>> => {
  const tooLarge = (): WireError => wireError(413, 'request_too_large', `Request bodies may be at most ${maxBytes} bytes.`);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    return Promise.resolve(E.left(tooLarge()));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: E.Either<WireError, Uint8Array>) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        settle(E.left(tooLarge()));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => settle(E.right(new Uint8Array(Buffer.concat(chunks)))));
    request.on('error', () => settle(E.left(wireError(400, 'invalid_request_body', 'The request body could not be read.'))));
  });
};

const FORM = 'application/x-www-form-urlencoded';

/** Stripe's API takes form bodies only; an empty body may carry any (or no) content type. */
export const checkContentType = (contentType: string | undefined, body: string): E.Either<WireError, void> => {
  if (body === '') return E.right(undefined);
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === undefined || mediaType === '' || mediaType === FORM) return E.right(undefined);
  return E.left(wireError(415, 'invalid_content_type', `Invalid request: the body must be ${FORM}, got ${mediaType}.`));
};
