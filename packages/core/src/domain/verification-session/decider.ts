import type { Decider } from '../shared/decider.js';
import type { VerificationSessionCommand } from './commands.js';
import { decide } from './decide.js';
import type { VerificationSessionEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialState, type VerificationSessionState } from './state.js';

export const verificationSessionDecider: Decider<VerificationSessionCommand, VerificationSessionState, VerificationSessionEvent> = {
  decide,
  evolve,
  initialState,
};
