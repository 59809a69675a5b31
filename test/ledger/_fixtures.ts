/**
 * Shared helpers for the ledger tests: a small seeded network and a one-call transaction.
 */
import { createNetwork } from '../../ledger/network.js';
import type { Network, NetworkOptions } from '../../ledger/network.js';

export function smallNetwork(overrides: Partial<NetworkOptions> = {}): Network {
  return createNetwork({
    seed: 'test-seed',
    orgCount: 3,
    crypto: 'node',
    chaincodes: [
      {
        name: 'smallbank',
        policy: "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')",
        params: { accounts: 20 },
      },
      { name: 'kv', policy: "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')", params: { records: 50 } },
      { name: 'mdm-token', policy: "AND('Org1MSP.peer', 'Org2MSP.peer')" },
      { name: 'donothing', policy: "OR('Org1MSP.peer', 'Org2MSP.peer')" },
      { name: 'cpuheavy', policy: "OR('Org1MSP.member', 'Org2MSP.member')" },
      { name: 'ioheavy', policy: "OR('Org1MSP.peer', 'Org3MSP.peer')" },
    ],
    ...overrides,
  });
}
