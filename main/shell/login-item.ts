/**
 * Launch at login. The setting lives in <home>/app-settings.json
 * ({"launchAtLogin": boolean}, on by default: a backup app that does not run
 * does not back up). config.json has no key for it yet (its schema is strict
 * and belongs to the engine), so Settings cannot show a toggle for it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { app } from 'electron';
import { shellLog } from './logging.ts';

export function launchAtLoginSetting(home: string): boolean {
  try {
    const parsed = JSON.parse(readFileSync(join(home, 'app-settings.json'), 'utf8')) as { launchAtLogin?: unknown };
    return parsed.launchAtLogin !== false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') shellLog.warn(`app-settings.json is not readable: ${(err as Error).message}`);
    return true;
  }
}

export function applyLaunchAtLogin(home: string): void {
  // Linux has no API for it in Electron (an autostart .desktop file is the packager's job).
  if (process.platform === 'linux') return;
  app.setLoginItemSettings({ openAtLogin: launchAtLoginSetting(home), openAsHidden: true });
}
