/** Host and software versions for the drill evidence: an auditor asks what ran the test, and where. */
import { readFileSync } from 'node:fs';
import { arch, hostname, platform, release } from 'node:os';
import Database from 'better-sqlite3';
import type { DrillHost, DrillVersions } from './drill-evidence.ts';

const PACKAGE_JSON = new URL('../../../package.json', import.meta.url);

export function drillHost(): DrillHost {
  return { hostname: hostname(), platform: platform(), arch: arch(), release: release() };
}

let cached: Omit<DrillVersions, 'repositoryFormat'> | null = null;

export function drillVersions(repositoryFormat: number | null): DrillVersions {
  if (!cached) {
    const db = new Database(':memory:');
    let sqlite: string;
    try {
      sqlite = db.prepare('SELECT sqlite_version()').pluck().get() as string;
    } finally {
      db.close();
    }
    cached = { quantaiBackup: packageVersion(), node: process.versions.node, sqlite };
  }
  return { ...cached, repositoryFormat };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch (err) {
    // A packaged app may not ship package.json beside the sources; the evidence says so instead of failing the drill.
    return `unknown (${(err as Error).message.split('\n')[0]})`;
  }
}
