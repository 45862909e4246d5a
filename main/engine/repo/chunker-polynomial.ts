/**
 * The repository config carries a random irreducible polynomial of degree 53
 * over GF(2) for restic's content-defined chunker. We chunk differently, but
 * restic refuses a repository whose polynomial is not valid, so we pick one
 * properly. Polynomials are BigInts whose bit i is the coefficient of x^i.
 */
import { randomBytes } from 'node:crypto';

export const POLYNOMIAL_DEGREE = 53;

export function degree(p: bigint): number {
  return p === 0n ? -1 : p.toString(2).length - 1;
}

/** a mod m in GF(2)[x]. */
export function polyMod(a: bigint, m: bigint): bigint {
  const dm = degree(m);
  if (dm < 0) throw new RangeError('division by the zero polynomial');
  for (let da = degree(a); da >= dm; da = degree(a)) a ^= m << BigInt(da - dm);
  return a;
}

/** a * b mod m in GF(2)[x]. */
export function polyMulMod(a: bigint, b: bigint, m: bigint): bigint {
  const top = 1n << BigInt(degree(m));
  a = polyMod(a, m);
  let result = 0n;
  while (b > 0n) {
    if (b & 1n) result ^= a;
    b >>= 1n;
    a <<= 1n;
    if (a & top) a ^= m;
  }
  return result;
}

/** Carry-less product (no reduction). */
export function polyMul(a: bigint, b: bigint): bigint {
  let result = 0n;
  for (let shift = 0n; b > 0n; shift++, b >>= 1n) if (b & 1n) result ^= a << shift;
  return result;
}

export function polyGcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, polyMod(a, b)];
  return a;
}

/**
 * Ben-Or's test: f of degree n is irreducible iff gcd(f, x^(2^i) - x) = 1 for
 * every i in 1..n/2 (a factor of degree i would divide x^(2^i) - x).
 */
export function isIrreducible(f: bigint): boolean {
  const n = degree(f);
  if (n < 1) return false;
  const x = 2n;
  let power = x; // x^(2^i) mod f, squared each round
  for (let i = 1; i <= Math.floor(n / 2); i++) {
    power = polyMulMod(power, power, f);
    if (polyGcd(f, power ^ x) !== 1n) return false;
  }
  return true;
}

/** A valid chunker polynomial: degree exactly 53 and irreducible. */
export function isValidChunkerPolynomial(p: bigint): boolean {
  return degree(p) === POLYNOMIAL_DEGREE && isIrreducible(p);
}

/** About 1 in 53 random degree-53 polynomials is irreducible, so this loops a few dozen times. */
export function randomChunkerPolynomial(): bigint {
  for (;;) {
    const low = randomBytes(8).readBigUInt64LE() & ((1n << BigInt(POLYNOMIAL_DEGREE)) - 1n);
    const p = low | (1n << BigInt(POLYNOMIAL_DEGREE));
    if (isIrreducible(p)) return p;
  }
}

/** restic's JSON form: lower-case hex without a prefix. */
export function formatPolynomial(p: bigint): string {
  return p.toString(16);
}

export function parsePolynomial(text: string): bigint {
  if (!/^(0x)?[0-9a-fA-F]{1,16}$/.test(text)) throw new SyntaxError(`not a hex polynomial: ${JSON.stringify(text)}`);
  return BigInt(text.startsWith('0x') ? text : `0x${text}`);
}
