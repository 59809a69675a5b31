/**
 * `donothing`: an empty transaction (Blockbench's DoNothing), isolating the platform's own cost.
 */
import { ok } from '../contract.js';
import type { Contract } from '../contract.js';

export const donothingContract: Contract = {
  name: 'donothing',
  functions: {
    noop: [],
  },
  invoke() {
    return ok();
  },
};
