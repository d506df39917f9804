// The app:// protocol the window loads the UI from (instead of file://, as VS Code does): a standard, secure
// origin of its own, serving only files inside the built renderer folder, each page with the one CSP.
import fs from 'node:fs/promises';
import { isMissingFile, rendererFile, rendererFileHeaders, unbuiltUiMessage } from '../hosts/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'skillgraph';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** The privileges registered before `ready`: standard (relative URLs, origin), secure (like https), fetch. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const;

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false; // not a URL at all, so not one of ours: the answer is the whole outcome
  }
}

/** Only http(s), mailto and Logseq links leave the app, and only through the system's handler. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    return ['http:', 'https:', 'mailto:', 'logseq:'].includes(new URL(url).protocol);
  } catch {
    return false; // not a URL: refused, and the refusal is the whole outcome
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
  return rendererFile(pathname, rendererRoot);
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
    if (!isMissingFile(error)) throw error;
    return new Response(`Not found.${file.endsWith('index.html') ? ` ${unbuiltUiMessage(rendererRoot)}` : ''}`, { status: 404 });
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(data), { status: 200, headers: rendererFileHeaders(file) });
}
