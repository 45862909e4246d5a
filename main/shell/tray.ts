/**
 * Applies the tray model (tray-model.ts) to an Electron Tray: icon per state
 * and platform, tooltip, macOS title, menu. All decisions are in the model.
 */
import { join } from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { TrayAction, TrayModel, TrayStatus } from './tray-model.ts';

/** assets/tray/<platform>/...: template images on macOS, .ico on Windows, PNG (with @2x) on Linux. */
export function trayIconPath(assetsDir: string, status: TrayStatus, platform: NodeJS.Platform = process.platform): string {
  const name = `tray-${status}`;
  if (platform === 'darwin') return join(assetsDir, 'tray', 'mac', `${name}Template.png`);
  if (platform === 'win32') return join(assetsDir, 'tray', 'win', `${name}.ico`);
  return join(assetsDir, 'tray', 'linux', `${name}.png`);
}

export class AppTray {
  private readonly tray: Tray;
  private readonly icons = new Map<TrayStatus, NativeImage>();
  private lastMenuKey = '';

  constructor(private readonly assetsDir: string, private readonly onAction: (action: TrayAction) => void) {
    this.tray = new Tray(this.icon('not-configured'));
  }

  apply(model: TrayModel): void {
    this.tray.setImage(this.icon(model.status));
    this.tray.setToolTip(model.tooltip);
    if (process.platform === 'darwin') this.tray.setTitle(model.title);
    // Rebuilding the menu on every progress tick makes an open menu flicker: only when it changed.
    const key = JSON.stringify(model.menu);
    if (key === this.lastMenuKey) return;
    this.lastMenuKey = key;
    const template: MenuItemConstructorOptions[] = model.menu.map((item) =>
      item.kind === 'separator'
        ? { type: 'separator' }
        : { label: item.label, enabled: item.enabled, click: () => this.onAction(item.action) });
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }

  destroy(): void {
    this.tray.destroy();
  }

  private icon(status: TrayStatus): NativeImage {
    let image = this.icons.get(status);
    if (!image) {
      // createFromPath picks up the @2x file beside it for HiDPI screens.
      image = nativeImage.createFromPath(trayIconPath(this.assetsDir, status));
      if (process.platform === 'darwin') image.setTemplateImage(true);
      this.icons.set(status, image);
    }
    return image;
  }
}
