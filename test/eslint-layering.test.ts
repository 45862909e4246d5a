/**
 * The layering rule (CONVENTIONS.md 1) is enforced by eslint.config.js; these
 * probes prove it rejects each forbidden import and accepts the allowed ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { REPO_ROOT } from './support/cli.ts';

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

test('forbidden imports across layers are lint errors', async () => {
  const cases: [string, string][] = [
    ['main/engine/probe.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['main/engine/probe.ts', "import { createAppApi } from '../app/index.ts';\nexport const a = createAppApi;\n"],
    ['main/engine/probe.ts', "import { x } from '../shell/main.ts';\nexport const a = x;\n"],
    ['main/app/probe.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['main/cli/probe.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['renderer/probe.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    ['renderer/probe.ts', "import { INVOKE_CHANNELS } from '../preload/ipc-contract.ts';\nexport const a = INVOKE_CHANNELS;\n"],
    ['renderer/probe.ts', "import '../preload/preload.ts';\n"],
  ];
  for (const [file, code] of cases) {
    assert.ok((await layeringErrors(file, code)).length > 0, `${file} should reject: ${code.split('\n')[0]}`);
  }
});

test('allowed imports pass the layering rule', async () => {
  assert.deepEqual(await layeringErrors('renderer/probe.ts', "import type { IpcResult } from '../preload/ipc-contract.ts';\nexport type A = IpcResult<number>;\n"), []);
  assert.deepEqual(await layeringErrors('main/shell/probe.ts', "import { app } from 'electron';\nexport const a = app;\n"), []);
  assert.deepEqual(await layeringErrors('main/app/probe.ts', "import { createEngine } from '../engine/index.ts';\nexport const a = createEngine;\n"), []);
});
