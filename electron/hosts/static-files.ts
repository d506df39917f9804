// The rules both hosts follow when they serve the built renderer (the app:// protocol in Electron, HTTP in
// browser mode): which file a request path names (never one outside the folder), its Content-Type, and the
// headers every answer carries (nosniff; the one CSP and no caching on pages). Host-neutral: no electron, no http.
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface RendererFileOptions {
  /** Browser mode answers a path without an extension (a client-side route) with the page itself. */
  routesToIndex?: boolean;
}

/**
 * The file a decoded request path names inside `rendererRoot`, or undefined when it names anything else: a
 * path that escapes the folder, one with a NUL byte or a backslash. `/` is the page.
 */
export function rendererFile(decodedPath: string, rendererRoot: string, options: RendererFileOptions = {}): string | undefined {
  if (decodedPath.includes('\0') || decodedPath.includes('\\')) return undefined;
  let rel = decodedPath;
  if (rel === '' || rel === '/' || (options.routesToIndex && !path.extname(rel))) rel = '/index.html';
  const root = path.resolve(rendererRoot);
  const file = path.resolve(root, '.' + (rel.startsWith('/') ? rel : `/${rel}`));
  return file.startsWith(root + path.sep) ? file : undefined;
}

/** The headers a served renderer file goes out with. */
export function rendererFileHeaders(file: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
  };
  if (file.endsWith('.html')) {
    headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    headers['Cache-Control'] = 'no-store';
  }
  return headers;
}

/** Whether a read error means "no such file here" (answered 404), as opposed to a failing disk. */
export function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

/** What a host says when the page itself is missing: the renderer was never built. */
export function unbuiltUiMessage(rendererRoot: string): string {
  return `The UI is not built (${rendererRoot} has no index.html): run \`npm run build\`.`;
}
