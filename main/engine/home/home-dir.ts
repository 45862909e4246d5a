/**
 * The per-user home folder shared by the Electron app and the CLI. It must be
 * the folder Electron's app.getPath('userData') returns for our product name,
 * so both hosts see one config, one catalog and one scheduler lock.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'QuantAI Backup';

export function defaultHomeDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  userHome: string = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(userHome, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(userHome, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME || join(userHome, '.config'), PRODUCT_NAME);
}

/** `--home` wins, then QUANTAI_BACKUP_HOME, then the Electron userData folder. */
export function resolveHomeDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.QUANTAI_BACKUP_HOME || defaultHomeDir(process.platform, env);
}

export interface HomeLayout {
  root: string;
  configFile: string;
  catalogFile: string;
  tmpDir: string;
  logsDir: string;
}

export function homeLayout(root: string): HomeLayout {
  return {
    root,
    configFile: join(root, 'config.json'),
    catalogFile: join(root, 'catalog.db'),
    tmpDir: join(root, 'tmp'),
    logsDir: join(root, 'logs'),
  };
}
