/** A short message strip under the top bar: results of actions, and failures in plain words. */
import { h, replaceChildren } from './dom.ts';

let strip: HTMLElement | null = null;
let timer: number | undefined;

export function showNotice(text: string, tone: 'info' | 'error' | 'success' = 'info'): void {
  if (!strip) {
    strip = h('div', { class: 'notice', role: 'status', 'data-testid': 'notice' });
    document.body.insertBefore(strip, document.getElementById('view'));
  }
  strip.className = `notice notice-${tone}`;
  replaceChildren(strip, text);
  strip.hidden = false;
  window.clearTimeout(timer);
  // Errors stay until the next message: the user must be able to read them.
  if (tone !== 'error') timer = window.setTimeout(() => { if (strip) strip.hidden = true; }, 8000);
}
