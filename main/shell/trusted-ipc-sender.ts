/**
 * Which frames may call the app API: only the top frame of a window showing
 * our own renderer file. Anything else (a frame that navigated elsewhere, an
 * iframe, a devtools extension page) is refused before the handler runs.
 * Every handler in ipc-main.ts asks this before it runs.
 */
import { pathToFileURL } from 'node:url';

export interface SenderFrame {
  url: string;
  /** The top frame has no parent. */
  parent?: SenderFrame | null;
}

export function rendererUrl(rendererFile: string): URL {
  return pathToFileURL(rendererFile);
}

export function isTrustedSender(frame: SenderFrame | null | undefined, renderer: URL): boolean {
  if (!frame || frame.parent) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch (err) {
    if (err instanceof TypeError) return false;
    throw err;
  }
  // Query and hash are the renderer's own routing; the file itself must be ours.
  return url.protocol === renderer.protocol && url.host === renderer.host && samePath(url.pathname, renderer.pathname);
}

/** Paths compared decoded; a malformed escape (`%zz`) is never our file. */
function samePath(a: string, b: string): boolean {
  try {
    return decodeURIComponent(a) === decodeURIComponent(b);
  } catch (err) {
    if (err instanceof URIError) return false;
    throw err;
  }
}
