import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BackupError, ConfigError } from '../errors.ts';
import { configSchema, type Config } from './config-schema.ts';

/** Names every problem: `config.json: repository.path must be an absolute path; unknown key "databse"`. */
export function formatConfigIssues(where: string, error: z.ZodError): string {
  const parts = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
      return `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
    }
    const message = issue.message.replace(/^Invalid input: /, '');
    return `${path || '(top level)'}: ${message}`;
  });
  return `${where}: ${parts.join('; ')}`;
}

export function parseConfig(raw: unknown, where = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${formatConfigIssues(where, result.error)}`);
  return result.data;
}

export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BackupError('not-found', `no configuration at ${path}: run \`quantai-backup init --db PATH --repo PATH\` first`);
    }
    throw new BackupError('permanent', `cannot read configuration ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON (${(err as Error).message}): fix it or run init again`);
  }
  return parseConfig(raw, path);
}
