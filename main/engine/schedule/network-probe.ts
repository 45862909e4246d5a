/**
 * The default answer to "is the network up": some interface other than
 * loopback has an address. Cheap and offline-safe; it cannot see a captive
 * portal, but the job's own retries and errors cover what it misses.
 */
import { networkInterfaces } from 'node:os';
import type { NetworkProbe } from './scheduler-timer.ts';

export const interfaceNetworkProbe: NetworkProbe = {
  isOnline: () => Object.values(networkInterfaces()).some((addrs) => (addrs ?? []).some((a) => !a.internal)),
};
