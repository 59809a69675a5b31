/**
 * Scalar recodings, all most-significant digit first (the order a left-to-right chain consumes
 * them). Pure integer code: no field arithmetic.
 */

/** Binary digits of k ≥ 0 (empty for 0). */
export function binaryDigits(k: bigint): number[] {
  return k === 0n ? [] : [...k.toString(2)].map((bit) => (bit === '1' ? 1 : 0));
}

/**
 * Width-w NAF of k ≥ 0: digits odd in (−2^(w−1), 2^(w−1)) or zero, at most one nonzero in any w
 * consecutive positions. The leading digit is positive.
 */
export function wnafDigits(k: bigint, windowBits: number): number[] {
  if (!Number.isInteger(windowBits) || windowBits < 2)
    throw new RangeError(`wNAF width must be ≥ 2, got ${windowBits}`);
  const modulus = 1n << BigInt(windowBits);
  const half = modulus >> 1n;
  const lsbFirst: number[] = [];
  let rest = k;
  while (rest > 0n) {
    let digit = 0n;
    if ((rest & 1n) === 1n) {
      digit = rest % modulus;
      if (digit >= half) digit -= modulus;
      rest -= digit;
    }
    lsbFirst.push(Number(digit));
    rest >>= 1n;
  }
  return lsbFirst.reverse();
}

/** Column spacing d of a comb with `teeth` teeth over `scalarBits`-bit scalars. */
export function combSpacing(teeth: number, scalarBits: number): number {
  return Math.ceil(scalarBits / teeth);
}

/**
 * Fixed-base comb (Lim–Lee): column j (j = d−1 … 0) is the pattern Σ_i bit(k, i·d + j)·2^i, an
 * index into the table T[pattern] = Σ_i pattern_i · 2^(i·d) · P. Always d columns long.
 */
export function combColumns(k: bigint, teeth: number, scalarBits: number): number[] {
  if (!Number.isInteger(teeth) || teeth < 1 || teeth > 16)
    throw new RangeError(`comb teeth must be 1..16, got ${teeth}`);
  const spacing = combSpacing(teeth, scalarBits);
  const columns: number[] = [];
  for (let j = spacing - 1; j >= 0; j--) {
    let pattern = 0;
    for (let i = 0; i < teeth; i++) {
      if (((k >> BigInt(i * spacing + j)) & 1n) === 1n) pattern |= 1 << i;
    }
    columns.push(pattern);
  }
  return columns;
}

/** Shamir's joint digits of (u1, u2): bit(u1) + 2·bit(u2) per position, over the longer scalar. */
export function jointBits(u1: bigint, u2: bigint): number[] {
  const length = Math.max(u1.toString(2).length, u2.toString(2).length);
  if (u1 === 0n && u2 === 0n) return [];
  const digits: number[] = [];
  for (let i = length - 1; i >= 0; i--) {
    digits.push(Number((u1 >> BigInt(i)) & 1n) + 2 * Number((u2 >> BigInt(i)) & 1n));
  }
  return digits;
}
