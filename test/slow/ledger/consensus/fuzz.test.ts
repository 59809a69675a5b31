/**
 * The slow consensus fuzz: the fast suite's randomised fault scenarios (../../../ledger/consensus/
 * _scenarios.ts) over 1,000 seeds per protocol (CONSENSUS_FUZZ_SEEDS and CONSENSUS_FUZZ_FIRST
 * override), plus PBFT beyond its fault budget (safety only). Seeds are consecutive integers, so a
 * failure names a seed that replays alone through the same scenario function.
 */
import { describe, expect, it } from 'vitest';
import { pbftFaultScenario, pbftOverBudgetScenario, raftFaultScenario } from '../../../ledger/consensus/_scenarios.js';

const seedCount = Number(process.env.CONSENSUS_FUZZ_SEEDS ?? 1000);
const firstSeed = Number(process.env.CONSENSUS_FUZZ_FIRST ?? 1);

function fuzz(scenario: (seed: number) => void): string[] {
  const failures: string[] = [];
  for (let seed = firstSeed; seed < firstSeed + seedCount; seed += 1) {
    try {
      scenario(seed);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  return failures;
}

describe('consensus fuzz', () => {
  it(`raft: ${seedCount} seeds, no safety or liveness failure`, () => {
    expect(fuzz(raftFaultScenario)).toEqual([]);
  });
  it(`pbft: ${seedCount} seeds, no safety or liveness failure`, () => {
    expect(fuzz(pbftFaultScenario)).toEqual([]);
  });
  it(`pbft with f+1 equivocating primaries: ${seedCount} seeds, no safety failure`, () => {
    expect(fuzz(pbftOverBudgetScenario)).toEqual([]);
  });
});
