/** One named check of a verification or drill, as the evidence report lists it. */
export interface CheckResult {
  name: string;
  result: 'pass' | 'fail' | 'skipped';
  expected?: string | number | Record<string, number>;
  actual?: string | number | Record<string, number>;
  detail?: string;
}

export function compareCheck(name: string, expected: string | number, actual: string | number): CheckResult {
  return { name, result: expected === actual ? 'pass' : 'fail', expected, actual };
}

export function compareCounts(name: string, expected: Record<string, number>, actual: Record<string, number>): CheckResult {
  const tables = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  const differing = [...tables].filter((t) => expected[t] !== actual[t]);
  return {
    name, result: differing.length === 0 ? 'pass' : 'fail', expected, actual,
    ...(differing.length > 0 ? { detail: `row counts differ in ${differing.join(', ')}` } : {}),
  };
}

export const allPassed = (checks: readonly CheckResult[]): boolean => checks.every((c) => c.result !== 'fail');
