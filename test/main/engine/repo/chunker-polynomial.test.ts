import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  degree, formatPolynomial, isIrreducible, isValidChunkerPolynomial, parsePolynomial, polyMod, polyMul, randomChunkerPolynomial,
} from '../../../../main/engine/repo/chunker-polynomial.ts';

/** Independent check by trial division: no factor of degree 1..deg/2. */
function irreducibleByTrialDivision(f: bigint): boolean {
  const n = degree(f);
  if (n < 1) return false;
  for (let g = 2n; degree(g) <= n / 2; g++) if (polyMod(f, g) === 0n) return false;
  return true;
}

test('known irreducible polynomials pass, including restic\'s test polynomial', () => {
  for (const p of [0x3n, 0x7n, 0xbn, 0x13n, 0x11bn, 0x3da3358b4dc173n]) assert.ok(isIrreducible(p), p.toString(16));
  assert.ok(isValidChunkerPolynomial(0x3da3358b4dc173n));
});

test('reducible polynomials are rejected', () => {
  assert.equal(isIrreducible(0x15n), false); // (x^2+x+1)^2
  assert.equal(isIrreducible(1n << 53n), false); // x^53
  assert.equal(isIrreducible((1n << 53n) | 1n), false); // x^53 + 1 has the root 1
  // A degree-53 product of two factors must be rejected.
  const product = polyMul(0x7n, 0x8000000000001n | (1n << 51n));
  assert.equal(degree(product), 53);
  assert.equal(isValidChunkerPolynomial(product), false);
  assert.equal(isValidChunkerPolynomial(polyMul(0x3da3358b4dc173n, 0x3n)), false);
});

test('the test agrees with trial division on every polynomial up to degree 10, and counts match theory', () => {
  let degree8 = 0;
  for (let p = 2n; p < 1n << 11n; p++) {
    const fast = isIrreducible(p);
    assert.equal(fast, irreducibleByTrialDivision(p), p.toString(2));
    if (fast && degree(p) === 8) degree8++;
  }
  assert.equal(degree8, 30); // number of irreducible binary polynomials of degree 8
});

test('random chunker polynomials have degree 53, are irreducible and differ', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const p = randomChunkerPolynomial();
    assert.equal(degree(p), 53);
    assert.ok(isIrreducible(p));
    seen.add(formatPolynomial(p));
    assert.equal(parsePolynomial(formatPolynomial(p)), p);
  }
  assert.ok(seen.size >= 4);
});
