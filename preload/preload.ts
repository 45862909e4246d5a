/**
 * The preload: exposes `window.quantai` (one named method per contract
 * channel) through contextBridge. ipcRenderer itself never reaches the page;
 * event listeners get the payload only, not the IpcRendererEvent (whose
 * `sender` would be ipcRenderer).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcResult } from './ipc-contract.ts';
import { makeQuantaiApi } from './api-client.ts';

const api = makeQuantaiApi(
  (channel, request) => ipcRenderer.invoke(channel, request) as Promise<IpcResult<unknown>>,
  (channel, listener) => {
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
);

contextBridge.exposeInMainWorld('quantai', api);
