/** The app API's public surface for the Electron shell and the UI tests. */
export { createAppApi } from './app-api.ts';
export type { AppApi, AppApiDeps, AppEvent, AppMethods } from './app-api.ts';
export { APP_SECRET_NAMES, createMemorySecretStore, isSecretName } from './secret-store.ts';
export type { SecretStore } from './secret-store.ts';
export { secretSourceFromStore } from './secret-source.ts';
export { toIpcError } from './ipc-errors.ts';
export { previewCron } from './cron-preview.ts';
export { recoveryKit } from './recovery-kit.ts';
