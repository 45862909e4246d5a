/**
 * zod issues as the Settings window's field errors: one entry per bad field,
 * named by its dotted path ('schedule.jobs.snapshot.cron'), so the form can put
 * each message beside its input. An unknown key is an error on that key.
 */
import type { z } from 'zod';
import type { FieldError } from '../../preload/ipc-contract.ts';

export function fieldErrorsFromIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: dotted([...path, key]), message: `unknown setting "${key}"` });
      continue;
    }
    out.push({ field: dotted(path), message: issue.message.replace(/^Invalid input: /, '') });
  }
  return out;
}

export function dotted(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}
