/**
 * The endorsement policy parser and evaluator: valid expressions in Fabric's syntax parse to the
 * expected tree; invalid ones fail with a LedgerInputError naming the column and what was expected;
 * evaluation follows Fabric's cauthdsl (an identity satisfies at most one principal); the planner
 * picks a smallest satisfying set of orgs. A fast-check property checks planner against evaluator.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerInputError } from '../../ledger/assert.js';
import { evaluatePolicy, parsePolicy, planEndorsers } from '../../ledger/policy.js';
import type { PolicySigner } from '../../ledger/policy.js';

const peer = (mspId: string): PolicySigner => ({ mspId, role: 'peer' });

describe('policy parser', () => {
  it.each([
    ["'Org1MSP.peer'", { kind: 'signedBy', principal: { mspId: 'Org1MSP', role: 'peer' } }],
    [
      "AND('Org1MSP.peer', 'Org2MSP.member')",
      {
        kind: 'outOf',
        n: 2,
        rules: [
          { kind: 'signedBy', principal: { mspId: 'Org1MSP', role: 'peer' } },
          { kind: 'signedBy', principal: { mspId: 'Org2MSP', role: 'member' } },
        ],
      },
    ],
    ['OR("A.admin")', { kind: 'outOf', n: 1, rules: [{ kind: 'signedBy', principal: { mspId: 'A', role: 'admin' } }] }],
    [
      "OutOf('1', 'A.client', 'B.orderer')",
      {
        kind: 'outOf',
        n: 1,
        rules: [
          { kind: 'signedBy', principal: { mspId: 'A', role: 'client' } },
          { kind: 'signedBy', principal: { mspId: 'B', role: 'orderer' } },
        ],
      },
    ],
  ])('parses %s', (text, tree) => {
    expect(parsePolicy(text)).toEqual(tree);
  });

  it('parses nesting', () => {
    const p = parsePolicy("OR(AND('A.peer','B.peer'), OutOf(2, 'C.peer', 'D.peer', 'E.peer'))");
    expect(p.kind === 'outOf' && p.rules.length).toBe(2);
  });

  it.each([
    ['', /expected AND, OR, OutOf or a quoted principal, got the end/],
    ["AND('A.peer'", /expected ',' or '\)', got the end/],
    ["XOR('A.peer')", /unknown operator 'XOR'/],
    ["'A.king'", /role one of member, admin, client, peer, orderer/],
    ["'nodot'", /expected a principal 'MSPID.role'/],
    ["OutOf(3, 'A.peer', 'B.peer')", /OutOf count must be from 1 to 2, got 3/],
    ["OutOf(0, 'A.peer')", /OutOf count must be from 1 to 1, got 0/],
    ["OutOf('A.peer', 'B.peer')", /OutOf expects a count first/],
    ["AND('A.peer') extra", /expected the end of the expression/],
    ["AND('A.peer)", /unterminated string/],
    ["AND('A.peer';)", /unexpected character ';'/],
  ])('rejects %j', (text, message) => {
    expect(() => parsePolicy(text)).toThrow(LedgerInputError);
    expect(() => parsePolicy(text)).toThrow(message);
  });

  it('names the column', () => {
    expect(() => parsePolicy("AND('A.peer', XOR('B.peer'))")).toThrow(/at column 15/);
  });
});

describe('policy evaluation', () => {
  it('AND needs every principal, OR any', () => {
    const and = parsePolicy("AND('A.peer', 'B.peer')");
    expect(evaluatePolicy(and, [peer('A'), peer('B')])).toBe(true);
    expect(evaluatePolicy(and, [peer('A')])).toBe(false);
    expect(evaluatePolicy(parsePolicy("OR('A.peer', 'B.peer')"), [peer('B')])).toBe(true);
  });

  it('one identity satisfies one principal only (Fabric cauthdsl)', () => {
    expect(evaluatePolicy(parsePolicy("AND('A.peer', 'A.peer')"), [peer('A')])).toBe(false);
    expect(evaluatePolicy(parsePolicy("AND('A.peer', 'A.peer')"), [peer('A'), peer('A')])).toBe(true);
  });

  it('member matches any role; peer does not match client', () => {
    expect(evaluatePolicy(parsePolicy("'A.member'"), [{ mspId: 'A', role: 'client' }])).toBe(true);
    expect(evaluatePolicy(parsePolicy("'A.peer'"), [{ mspId: 'A', role: 'client' }])).toBe(false);
  });

  it('planner output satisfies the policy, and is null only when no subset of orgs can', () => {
    const orgs = ['A', 'B', 'C', 'D'];
    const principal = fc.constantFrom(...orgs).map((o) => `'${o}.peer'`);
    const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, principal, tie('outOf')),
      outOf: fc
        .array(tie('node') as fc.Arbitrary<string>, { minLength: 1, maxLength: 3 })
        .chain((rules) => fc.integer({ min: 1, max: rules.length }).map((n) => `OutOf(${n}, ${rules.join(', ')})`)),
    })).node as fc.Arbitrary<string>;
    fc.assert(
      fc.property(expr, fc.subarray(orgs), fc.nat(5), (text, available, rotation) => {
        const policy = parsePolicy(text);
        const plan = planEndorsers(policy, new Set(available), rotation);
        if (plan !== null) {
          expect(
            evaluatePolicy(
              policy,
              plan.map((p) => peer(p.mspId)),
            ),
          ).toBe(true);
        } else {
          // With two peers per available org (enough for any repeated principal of depth ≤ 3) the
          // policy is unsatisfiable only if it needs an unavailable org.
          const everyone = available.flatMap((o) => [peer(o), peer(o), peer(o)]);
          expect(evaluatePolicy(policy, everyone)).toBe(false);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
