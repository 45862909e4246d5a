/**
 * The app window (dashboard, settings and wizard are views of one renderer):
 * contextIsolation, sandbox, no nodeIntegration, a strict CSP on every
 * response, no navigation away from our file, no new windows, no permissions.
 */
import { BrowserWindow, session, shell } from 'electron';
import type { ApiEvents } from '../../preload/ipc-contract.ts';
import { isTrustedSender } from './trusted-ipc-sender.ts';
import { sendEvent } from './ipc-main.ts';
import { shellLog } from './logging.ts';

import { CONTENT_SECURITY_POLICY } from './content-security-policy.ts';

export interface WindowOptions {
  rendererFile: string;
  rendererUrl: URL;
  preloadFile: string;
  iconFile?: string;
}

let cspInstalled = false;

/** Once per session: the header goes on every response (the renderer also carries it as a meta tag, for file: loads). */
function installContentSecurityPolicy(): void {
  if (cspInstalled) return;
  cspInstalled = true;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
    shellLog.warn(`denied permission request: ${permission}`);
    callback(false);
  });
}

export class AppWindow {
  private window: BrowserWindow | null = null;
  private pending: ApiEvents['navigate'] | null = null;

  constructor(private readonly options: WindowOptions) {}

  get webContents(): Electron.WebContents | null {
    return this.window && !this.window.isDestroyed() ? this.window.webContents : null;
  }

  /** Shows the window (creating it if needed) at a view. */
  open(navigate: ApiEvents['navigate'] = { view: 'dashboard' }): void {
    if (this.window && !this.window.isDestroyed()) {
      if (this.window.isMinimized()) this.window.restore();
      this.window.show();
      this.window.focus();
      sendEvent(this.window.webContents, this.options.rendererUrl, 'navigate', navigate);
      return;
    }
    installContentSecurityPolicy();
    const win = new BrowserWindow({
      width: 1180,
      height: 820,
      minWidth: 820,
      minHeight: 560,
      show: false,
      title: 'QuantAI Backup',
      ...(this.options.iconFile ? { icon: this.options.iconFile } : {}),
      webPreferences: {
        preload: this.options.preloadFile,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    this.window = win;
    this.pending = navigate;
    this.lockDown(win);
    win.once('ready-to-show', () => win.show());
    win.webContents.on('did-finish-load', () => {
      if (this.pending) sendEvent(win.webContents, this.options.rendererUrl, 'navigate', this.pending);
      this.pending = null;
    });
    win.on('closed', () => {
      if (this.window === win) this.window = null;
    });
    void win.loadFile(this.options.rendererFile, { hash: navigate.view }).catch((err: unknown) => shellLog.error('cannot load the renderer', err));
  }

  close(): void {
    if (this.window && !this.window.isDestroyed()) this.window.destroy();
    this.window = null;
  }

  private lockDown(win: BrowserWindow): void {
    const contents = win.webContents;
    // Links to the web open in the browser; nothing opens inside the app.
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedSender({ url }, this.options.rendererUrl)) {
        event.preventDefault();
        shellLog.warn('blocked navigation away from the app', url);
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!isTrustedSender({ url }, this.options.rendererUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  }
}
