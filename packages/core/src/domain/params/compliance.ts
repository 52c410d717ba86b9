import { requestDecoder, type ParamsDecoder } from './decode.js';
import { str, strictObject } from './primitives.js';

/** Parameters of the compliance operations: placing and lifting a legal hold. */

export interface PlaceLegalHoldParams {
  /** The matter, case or authority request the hold serves. */
  reference: string;
  reason: string;
}

export interface LiftLegalHoldParams {
  reason: string;
}

export const decodePlaceLegalHoldParams: ParamsDecoder<PlaceLegalHoldParams> = requestDecoder(
  strictObject('PlaceLegalHoldParams', { reference: str({ maxLength: 500 }), reason: str({ maxLength: 500 }) }, ['reference', 'reason']),
);

export const decodeLiftLegalHoldParams: ParamsDecoder<LiftLegalHoldParams> = requestDecoder(
  strictObject('LiftLegalHoldParams', { reason: str({ maxLength: 500 }) }, ['reason']),
);
