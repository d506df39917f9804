// The app:// protocol the window loads the UI from (instead of file://, as VS Code does): a standard, secure
// origin of its own, serving only files inside the built renderer folder, each page with the one CSP.
import fs from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'skillgraph';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** The privileges registered before `ready`: standard (relative URLs, origin), secure (like https), fetch. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const;

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

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Only http(s), mailto and Logseq links leave the app, and only through the system's handler. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    return ['http:', 'https:', 'mailto:', 'logseq:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * The file an app:// URL names inside `rendererRoot`, or undefined when it names anything else: another
 * host, a path that escapes the folder (also percent-encoded, or with backslashes), a NUL byte.
 */
export function rendererFileFor(url: string, rendererRoot: string): string | undefined {
  if (!isAppUrl(url)) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined; // malformed percent-encoding
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const root = path.resolve(rendererRoot);
  const file = path.resolve(root, '.' + pathname);
  return file.startsWith(root + path.sep) ? file : undefined;
}

/** Answers one app:// request from the renderer folder; what a guard refuses is a plain 404. */
export async function serveAppRequest(request: Request, rendererRoot: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
  const file = rendererFileFor(request.url, rendererRoot);
  if (!file) return new Response('Not found', { status: 404 });
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
      const hint = file.endsWith('index.html') ? ` The UI is not built (${rendererRoot} has no index.html): run \`npm run build\`.` : '';
      return new Response(`Not found.${hint}`, { status: 404 });
    }
    throw error;
  }
  const headers: Record<string, string> = {
    'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
  };
  if (file.endsWith('.html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(data), { status: 200, headers });
}
