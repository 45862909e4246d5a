/**
 * The one IPC contract between the Electron main process and the renderer:
 * channel names and payload types, plain structured-clone data only. The
 * desktop app (tray, dashboard, settings) fills it in; the engine's results
 * already travel as plain data so they can cross it unchanged.
 */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { kind: string; message: string } };
