/**
 * Launch at login, from config.json's `desktop.launchAtLogin` (Settings shows
 * it; on by default: a backup app that is not running does not back up).
 * macOS and Windows: Electron's login item. Linux: an XDG autostart entry,
 * which Electron has no API for.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app } from 'electron';
import { autostartEntry } from './autostart-entry.ts';
import { shellLog } from './logging.ts';

function linuxAutostartFile(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', 'quantai-backup.desktop');
}

export function applyLaunchAtLogin(enabled: boolean): void {
  try {
    if (process.platform === 'linux') {
      const file = linuxAutostartFile();
      if (enabled) {
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, autostartEntry(process.env.APPIMAGE ?? process.execPath));
      } else {
        rmSync(file, { force: true });
      }
      return;
    }
    app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true });
  } catch (err) {
    shellLog.warn(`cannot change launch at login: ${(err as Error).message}`);
  }
}
