/**
 * The Content Security Policy of every page and answer of the dashboard, on both hosts (`sfs ui` and
 * the relay): scripts, styles and connections from the serving origin only, no inline script, no
 * plugins, no framing, forms post nowhere else.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
