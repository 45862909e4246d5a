/**
 * Whether a Linux desktop can show a tray icon: a StatusNotifier host
 * (KDE, most GNOME setups with the AppIndicator extension, XFCE) owns
 * org.kde.StatusNotifierWatcher on the session bus. Plain GNOME has none, and
 * an icon there would be invisible; the app then opens its dashboard instead.
 * Asked with `gdbus` asynchronously so the main thread never waits on D-Bus.
 */
import { execFile } from 'node:child_process';

export function hasTrayHost(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (platform !== 'linux') return Promise.resolve(true);
  return new Promise((resolve) => {
    execFile('gdbus', ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus',
      '--method', 'org.freedesktop.DBus.NameHasOwner', 'org.kde.StatusNotifierWatcher'], { timeout: 3000 }, (err, stdout) => {
      if (err) {
        // No gdbus or no session bus: guess from the desktop (GNOME is the one without a tray by default).
        resolve(!/gnome/i.test(env.XDG_CURRENT_DESKTOP ?? '') && Boolean(env.DISPLAY || env.WAYLAND_DISPLAY));
        return;
      }
      resolve(/true/.test(stdout));
    });
  });
}
