/**
 * The renderer's Content-Security-Policy, sent as a header by windows.ts and
 * repeated in renderer/index.html's meta tag (a file:// page may not get the
 * header; frame-ancestors is header-only). A test keeps the two equal.
 */
/** No remote content at all: scripts, styles and images come from our own files. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The same policy as a meta tag can carry it (without the header-only directive). */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
