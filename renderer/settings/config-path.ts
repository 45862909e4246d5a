/** Reading and writing a dotted path ('schedule.jobs.snapshot.cron') in the config being edited. */
export type Draft = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function getPath(draft: Draft, path: string): unknown {
  let node: unknown = draft;
  for (const key of path.split('.')) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets the value, creating objects on the way; `undefined` removes the key, so optional settings stay absent. */
export function setPath(draft: Draft, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop();
  if (last === undefined) return;
  let node: Record<string, unknown> = draft;
  for (const key of keys) {
    const next = node[key];
    if (!isRecord(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}

export function cloneDraft(config: Record<string, unknown>): Draft {
  return JSON.parse(JSON.stringify(config)) as Draft;
}
