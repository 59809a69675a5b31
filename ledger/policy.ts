/**
 * Endorsement policies in Fabric's syntax: `AND(...)`, `OR(...)`, `OutOf(n, ...)` over principals
 * such as `'Org1MSP.peer'` (roles: member, admin, client, peer, orderer). The evaluator mirrors
 * Fabric's cauthdsl: each signing identity can satisfy at most one principal, children of an
 * OutOf are tried in order and a child that succeeds keeps the identities it used.
 */
import { LedgerInputError } from './assert.js';
import type { Role } from './msp.js';

export type PrincipalRole = 'member' | Role;
const PRINCIPAL_ROLES: readonly PrincipalRole[] = ['member', 'admin', 'client', 'peer', 'orderer'];

export interface Principal {
  readonly mspId: string;
  readonly role: PrincipalRole;
}

export type Policy =
  | { readonly kind: 'signedBy'; readonly principal: Principal }
  | { readonly kind: 'outOf'; readonly n: number; readonly rules: readonly Policy[] };

/** The identity facts a policy looks at. */
export interface PolicySigner {
  readonly mspId: string;
  readonly role: Role;
}

type Token =
  | { kind: 'ident'; text: string; column: number }
  | { kind: 'string'; text: string; column: number }
  | { kind: 'number'; value: number; column: number }
  | { kind: 'punct'; text: '(' | ')' | ','; column: number }
  | { kind: 'end'; column: number };

function describe(token: Token): string {
  switch (token.kind) {
    case 'ident':
      return `'${token.text}'`;
    case 'string':
      return `the string '${token.text}'`;
    case 'number':
      return `the number ${token.value}`;
    case 'punct':
      return `'${token.text}'`;
    case 'end':
      return 'the end of the expression';
  }
}

function tokenize(text: string, fail: (column: number, message: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    const column = i + 1;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, column });
      i += 1;
    } else if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) fail(column, `unterminated string starting with ${c}`);
      tokens.push({ kind: 'string', text: text.slice(i + 1, close), column });
      i = close + 1;
    } else if (/[0-9]/.test(c)) {
      let j = i;
      while (j < text.length && /[0-9]/.test(text[j] ?? '')) j += 1;
      tokens.push({ kind: 'number', value: Number(text.slice(i, j)), column });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j] ?? '')) j += 1;
      tokens.push({ kind: 'ident', text: text.slice(i, j), column });
      i = j;
    } else {
      fail(column, `unexpected character '${c}'`);
    }
  }
  tokens.push({ kind: 'end', column: text.length + 1 });
  return tokens;
}

const ruleDepthMax = 32;

/** Parses a policy; bad syntax throws a LedgerInputError naming the column and what was expected. */
export function parsePolicy(text: string, where = 'endorsement policy'): Policy {
  const fail = (column: number, message: string): never => {
    throw new LedgerInputError(`${where} "${text}": at column ${column}: ${message}`);
  };
  const tokens = tokenize(text, fail);
  let position = 0;
  const peek = (): Token => tokens[position] ?? { kind: 'end', column: text.length + 1 };
  const next = (): Token => {
    const token = peek();
    position += 1;
    return token;
  };
  const expectPunct = (punct: '(' | ')' | ','): void => {
    const token = next();
    if (token.kind !== 'punct' || token.text !== punct)
      fail(token.column, `expected '${punct}', got ${describe(token)}`);
  };

  const parsePrincipal = (token: Extract<Token, { kind: 'string' }>): Policy => {
    const dot = token.text.lastIndexOf('.');
    const mspId = dot > 0 ? token.text.slice(0, dot) : '';
    const role = dot > 0 ? token.text.slice(dot + 1) : '';
    if (mspId === '' || !(PRINCIPAL_ROLES as readonly string[]).includes(role)) {
      fail(
        token.column,
        `expected a principal 'MSPID.role' with role one of ${PRINCIPAL_ROLES.join(', ')}, got '${token.text}'`,
      );
    }
    return { kind: 'signedBy', principal: { mspId, role: role as PrincipalRole } };
  };

  const parseRule = (depth: number): Policy => {
    if (depth > ruleDepthMax) fail(peek().column, `nesting deeper than ${ruleDepthMax}`);
    const token = next();
    if (token.kind === 'string') return parsePrincipal(token);
    if (token.kind !== 'ident')
      return fail(token.column, `expected AND, OR, OutOf or a quoted principal, got ${describe(token)}`);
    const op = token.text;
    if (op !== 'AND' && op !== 'OR' && op !== 'OutOf') {
      return fail(token.column, `unknown operator '${op}': expected AND, OR or OutOf`);
    }
    expectPunct('(');
    let n = 0;
    if (op === 'OutOf') {
      const countToken = next();
      if (countToken.kind === 'number') n = countToken.value;
      else if (countToken.kind === 'string' && /^[0-9]+$/.test(countToken.text)) n = Number(countToken.text);
      else fail(countToken.column, `OutOf expects a count first, got ${describe(countToken)}`);
      expectPunct(',');
    }
    const rules: Policy[] = [parseRule(depth + 1)];
    while (peek().kind === 'punct' && (peek() as { text: string }).text === ',') {
      next();
      rules.push(parseRule(depth + 1));
    }
    const close = peek();
    if (close.kind !== 'punct' || close.text !== ')') fail(close.column, `expected ',' or ')', got ${describe(close)}`);
    next();
    if (op === 'AND') n = rules.length;
    if (op === 'OR') n = 1;
    if (n < 1 || n > rules.length) fail(token.column, `OutOf count must be from 1 to ${rules.length}, got ${n}`);
    return { kind: 'outOf', n, rules };
  };

  const policy = parseRule(0);
  const end = next();
  if (end.kind !== 'end') fail(end.column, `expected the end of the expression, got ${describe(end)}`);
  return policy;
}

export function principalMatches(principal: Principal, signer: PolicySigner): boolean {
  if (principal.mspId !== signer.mspId) return false;
  return principal.role === 'member' || principal.role === signer.role;
}

function evaluateRule(policy: Policy, signers: readonly PolicySigner[], used: boolean[]): boolean {
  if (policy.kind === 'signedBy') {
    for (let i = 0; i < signers.length; i += 1) {
      const signer = signers[i];
      if (used[i] === true || signer === undefined) continue;
      if (principalMatches(policy.principal, signer)) {
        used[i] = true;
        return true;
      }
    }
    return false;
  }
  let satisfied = 0;
  for (const rule of policy.rules) {
    const trial = used.slice();
    if (evaluateRule(rule, signers, trial)) {
      satisfied += 1;
      for (let i = 0; i < used.length; i += 1) used[i] = trial[i] === true;
    }
  }
  return satisfied >= policy.n;
}

/** True iff the (already signature-checked, de-duplicated) signers satisfy the policy. */
export function evaluatePolicy(policy: Policy, signers: readonly PolicySigner[]): boolean {
  return evaluateRule(
    policy,
    signers,
    signers.map(() => false),
  );
}

/**
 * A small set of principals that satisfies the policy using only the MSPs in `available`, or null.
 * Children of an OutOf are considered starting at `rotation` (mod their count), so a gateway can
 * spread load over equivalent choices deterministically.
 */
export function planEndorsers(policy: Policy, available: ReadonlySet<string>, rotation = 0): Principal[] | null {
  const signersOf = (plan: readonly Principal[]) =>
    plan.map((p) => ({ mspId: p.mspId, role: p.role === 'member' ? ('peer' as const) : p.role }));
  const plan = smallPlan(policy, available, rotation);
  if (plan !== null && evaluatePolicy(policy, signersOf(plan))) return plan;
  // Fabric's greedy evaluation lets a satisfied OutOf child consume more identities than it needs,
  // so a smallest plan can fail where a larger one passes. Fall back to one signer per available
  // principal occurrence, the most any evaluation can consume.
  const all = leaves(policy).filter((p) => available.has(p.mspId));
  return evaluatePolicy(policy, signersOf(all)) ? all : null;
}

function leaves(policy: Policy): Principal[] {
  return policy.kind === 'signedBy' ? [policy.principal] : policy.rules.flatMap(leaves);
}

function smallPlan(policy: Policy, available: ReadonlySet<string>, rotation: number): Principal[] | null {
  if (policy.kind === 'signedBy') return available.has(policy.principal.mspId) ? [policy.principal] : null;
  const count = policy.rules.length;
  const plans: Principal[][] = [];
  for (let k = 0; k < count; k += 1) {
    const rule = policy.rules[(k + rotation) % count];
    if (rule === undefined) continue;
    const plan = smallPlan(rule, available, rotation);
    if (plan !== null) plans.push(plan);
  }
  if (plans.length < policy.n) return null;
  // Prefer the smallest sub-plans (stable), as few endorsers as possible.
  const chosen = plans
    .map((plan, index) => ({ plan, index }))
    .sort((a, b) => a.plan.length - b.plan.length || a.index - b.index)
    .slice(0, policy.n);
  const out: Principal[] = [];
  for (const { plan } of chosen) for (const principal of plan) out.push(principal);
  return out;
}
