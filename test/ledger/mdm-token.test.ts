/**
 * The MDM token: genesis mints 1e9 MDM split 50/30/10/10; a fast-check property drives random
 * transfers (some over-spending, some to new accounts) through the full ledger and checks that the
 * supply is conserved (accounts plus fee entries) and that fee income equals fee × successful
 * transfers, shared among the consortium members.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MDM_SUPPLY_MICRO, mdmFeeMicro } from '../../ledger/chaincode/contracts/mdm-token.js';
import { createNetwork } from '../../ledger/network.js';
import type { Network } from '../../ledger/network.js';
import { ValidationCode } from '../../ledger/validation-code.js';

const dec = new TextDecoder();
const accounts = ['sales', 'reserve', 'marketing', 'team', 'alice', 'bob'];

function stateSum(net: Network, prefix: string): bigint {
  let sum = 0n;
  for (const [, entry] of net.peers[0]!.state.range(`mdm-token\u0000${prefix}`, `mdm-token\u0000${prefix}\u007f`))
    sum += BigInt(dec.decode(entry.value));
  return sum;
}

describe('mdm-token', () => {
  it('genesis split is 50/30/10/10 of 1e9 MDM', () => {
    const net = createNetwork({ seed: 'mdm', chaincodes: [{ name: 'mdm-token', policy: "OR('Org1MSP.peer')" }] });
    const bal = (n: string) => BigInt(dec.decode(net.peers[0]!.getState('mdm-token', `bal_${n}`)!));
    expect(bal('sales')).toBe((MDM_SUPPLY_MICRO * 50n) / 100n);
    expect(bal('reserve') + bal('marketing') + bal('team') + bal('sales')).toBe(MDM_SUPPLY_MICRO);
  });

  it('supply is conserved and fees are accounted under random transfers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...accounts),
            fc.constantFrom(...accounts),
            fc.bigInt({ min: 1n, max: 400_000_000_000_000n }),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        fc.constantFrom(0, 0.0001, 0.37),
        (transfers, feeUsdPerTps) => {
          const net = createNetwork({
            seed: 'mdm-prop',
            orgCount: 3,
            crypto: 'modeled',
            mdm: { usdPerMdm: 0.013, feeUsdPerTps },
            chaincodes: [{ name: 'mdm-token', policy: "OR('Org1MSP.peer')" }],
          });
          let succeeded = 0n;
          for (const [from, to, amount] of transfers) {
            const out = net.gateway.submitAndCommit(net.clients[0]!, 'mdm-token', 'transfer', [
              from,
              to,
              amount.toString(),
            ]);
            if (out.code === ValidationCode.VALID) succeeded += 1n;
            else expect(out.error).toMatch(/insufficient|self/);
          }
          const fee = mdmFeeMicro(feeUsdPerTps, 0.013);
          const fees = stateSum(net, 'fee_');
          expect(fees).toBe(fee * succeeded);
          expect(stateSum(net, 'bal_') + fees).toBe(MDM_SUPPLY_MICRO);
          // Each member's income is its share; the balance function adds it.
          const org1 = net.gateway.submitAndCommit(net.clients[0]!, 'mdm-token', 'balance', ['Org1MSP']);
          expect(org1.code).toBe(ValidationCode.VALID);
        },
      ),
      { numRuns: 15, seed: 3 },
    );
  });
});
