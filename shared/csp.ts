// The one Content-Security-Policy for the UI, in every host: the built index.html carries it as a <meta>,
// browser mode sends it as a header, and the Electron app:// protocol sends it with every page.
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets style attributes; no inline <script> is ever allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // 'self' covers the same-origin WebSocket of browser mode (CSP Level 3), and nothing else.
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

export const CONTENT_SECURITY_POLICY = DIRECTIVES.join('; ');

/** The same policy for a <meta> tag, which browsers require without `frame-ancestors` (ignored there, with a warning). */
export const CONTENT_SECURITY_POLICY_META = DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ');
