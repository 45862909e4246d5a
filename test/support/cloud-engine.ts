/**
 * The engine the cloud tests start from: a fast KDF and s3rver's keys,
 * initialized with its home at <dir>/home and its repository at <dir>/repo,
 * backing up one folder; and the one way they point it at a bucket, by
 * rewriting config.json's cloud section as a user editing the file would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/engine.ts';
import { testSecrets } from './s3-server.ts';

export interface CloudTestEngine {
  engine: Engine;
  home: string;
  repoPath: string;
  configFile: string;
}

/** Initializes the engine (closed when the test ends); no cloud section yet. */
export async function initCloudTestEngine(t: TestContext, dir: string, files: string): Promise<CloudTestEngine> {
  const home = join(dir, 'home');
  const repoPath = join(dir, 'repo');
  const engine = createEngine({ home, kdf: { N: 1024, r: 8, p: 1 }, secrets: testSecrets() });
  t.after(() => engine.close());
  await engine.initialize({ repoPath, files: [files] });
  return { engine, home, repoPath, configFile: join(home, 'config.json') };
}

/** Replaces config.json's cloud section, keeping every other key as it is in the file. */
export function writeCloudSection(configFile: string, cloud: object): void {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({ ...config, cloud }));
}
