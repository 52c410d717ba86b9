import { LAST_ERROR_CODES, type LastErrorCode } from '../shared/values.js';
import { requestDecoder, type ParamsDecoder } from './decode.js';
import { bool, oneOf, strictObject } from './primitives.js';

/**
 * Parameters of the test helpers that drive a test-mode session the way the hosted page's test
 * screen does: `verify` and `unverify` (with `last_error[code]`), each optionally delayed.
 */

export interface VerifyTestParams {
  simulate_delay?: boolean;
}

export interface UnverifyTestParams {
  last_error?: { code?: LastErrorCode };
  simulate_delay?: boolean;
}

export const decodeSubmitTestParams: ParamsDecoder<VerifyTestParams> = requestDecoder(
  strictObject('TestHelperSubmitParams', { simulate_delay: bool }),
);

export const decodeVerifyTestParams: ParamsDecoder<VerifyTestParams> = requestDecoder(
  strictObject('TestHelperVerifyParams', { simulate_delay: bool }),
);

export const decodeUnverifyTestParams: ParamsDecoder<UnverifyTestParams> = requestDecoder(
  strictObject('TestHelperUnverifyParams', {
    last_error: strictObject('last_error', { code: oneOf(LAST_ERROR_CODES) }),
    simulate_delay: bool,
  }),
);
