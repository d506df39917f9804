// The Electron host's rules that hold without an Electron binary: the app:// protocol serves only the renderer
// folder, with the one CSP; the preload is tiny and imports nothing but electron; the IPC surface is two fixed
// channels; quitting closes the engine exactly once.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_META } from '../../shared/csp';
import { APP_INDEX_URL, APP_ORIGIN, isAllowedExternalUrl, isAppUrl, rendererFileFor, serveAppRequest } from '../main/app-protocol';
import { IPC_CHANNELS } from '../main/channels';
import { createQuitGuard } from '../main/lifecycle';
import { startBrowserServer } from '../server/browser-server';
import { tempDir } from './helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function rendererFolder(): string {
  const dir = tempDir('skillgraph-renderer-');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Skillgraph</title>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-1.js'), 'console.log(1)');
  fs.writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.txt`), 'secret');
  return dir;
}

describe('the app:// protocol', () => {
  it('maps app://skillgraph/ URLs to files inside the renderer folder only', () => {
    const dir = '/opt/app/dist/renderer';
    expect(rendererFileFor(APP_INDEX_URL, dir)).toBe(`${dir}/index.html`);
    expect(rendererFileFor(`${APP_ORIGIN}/`, dir)).toBe(`${dir}/index.html`);
    expect(rendererFileFor(`${APP_ORIGIN}/assets/index-1.js?v=2#x`, dir)).toBe(`${dir}/assets/index-1.js`);
    // Plain dot segments are resolved by the URL parser itself, so they land inside the folder, never above it.
    for (const dots of [`${APP_ORIGIN}/../../../etc/passwd`, `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`, `${APP_ORIGIN}/assets/../../index.html`]) {
      const file = rendererFileFor(dots, dir);
      expect(file === undefined || file.startsWith(`${dir}/`), `${dots} -> ${file}`).toBe(true);
    }
    for (const hostile of [
      `${APP_ORIGIN}/..%2F..%2Fetc%2Fpasswd`,
      `${APP_ORIGIN}/assets/..%5C..%5Csecret.txt`,
      `${APP_ORIGIN}/index.html%00.js`,
      `${APP_ORIGIN}/%E0%A4%A`,
      'app://other-host/index.html',
      'app://skillgraph.evil/index.html',
      'file:///opt/app/dist/renderer/index.html',
      'https://skillgraph/index.html',
      'not a url',
    ]) {
      expect(rendererFileFor(hostile, dir), hostile).toBeUndefined();
    }
  });

  it('recognises only its own origin as the app', () => {
    expect(isAppUrl(APP_INDEX_URL)).toBe(true);
    for (const other of ['app://skillgraph.evil/', 'app://evil/skillgraph', 'https://skillgraph/', 'file:///index.html', 'about:blank', '']) expect(isAppUrl(other), other).toBe(false);
  });

  it('lets only web, mail and Logseq links leave the app (to the system\'s handler), never files or scripts', () => {
    for (const url of ['https://modelcontextprotocol.io/', 'http://127.0.0.1:4870/', 'mailto:me@example.com', 'logseq://graph/notes?page=Skills%2Fx']) expect(isAllowedExternalUrl(url), url).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'app://skillgraph/index.html', 'data:text/html,x', 'vbscript:x', 'not a url', '']) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });

  it('serves the real files with their types, the page with the one CSP, and a 404 for anything else', async () => {
    const dir = rendererFolder();
    const page = await serveAppRequest(new Request(APP_INDEX_URL), dir);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<title>Skillgraph</title>');

    const script = await serveAppRequest(new Request(`${APP_ORIGIN}/assets/index-1.js`), dir);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');

    const escape = await serveAppRequest(new Request(`${APP_ORIGIN}/..%2F${path.basename(dir)}-secret.txt`), dir);
    expect(escape.status).toBe(404);
    expect(await escape.text()).not.toContain('secret');
    expect((await serveAppRequest(new Request(`${APP_ORIGIN}/missing.js`), dir)).status).toBe(404);
    expect((await serveAppRequest(new Request(`${APP_ORIGIN}/assets`), dir)).status).toBe(404);
    expect((await serveAppRequest(new Request(APP_INDEX_URL, { method: 'POST', body: 'x' }), dir)).status).toBe(405);
  });

  it('says how to build the UI when it is not built', async () => {
    const response = await serveAppRequest(new Request(APP_INDEX_URL), tempDir());
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('npm run build');
  });
});

describe('one Content-Security-Policy', () => {
  it('browser mode sends the same policy the app:// protocol sends', async () => {
    const dir = rendererFolder();
    const server = await startBrowserServer({ handlers: {} as never, subscribe: () => () => {}, staticDir: dir, port: 0, portExplicit: true });
    try {
      const response = await fetch(server.url);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    } finally {
      await server.close();
    }
  });

  it('index.html carries no policy of its own; the build adds the shared one (without frame-ancestors, ignored in <meta>)', () => {
    const html = fs.readFileSync(path.join(root, 'renderer/index.html'), 'utf8');
    expect(html).not.toMatch(/http-equiv="Content-Security-Policy"/i);
    expect(fs.readFileSync(path.join(root, 'renderer/vite.config.ts'), 'utf8')).toContain('CONTENT_SECURITY_POLICY_META');
    expect(CONTENT_SECURITY_POLICY.startsWith(CONTENT_SECURITY_POLICY_META)).toBe(true);
    expect(CONTENT_SECURITY_POLICY_META).not.toContain('frame-ancestors');
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});

describe('the preload and the IPC surface', () => {
  it('is two fixed channels: invoke (renderer → main) and event (main → renderer)', () => {
    expect(IPC_CHANNELS).toMatchInlineSnapshot(`
      {
        "event": "skillgraph:event",
        "invoke": "skillgraph:invoke",
      }
    `);
  });

  it('bundles to a small file that imports nothing but electron (no contract, no zod)', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'electron/main/preload.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      write: false,
      metafile: true,
      minify: false,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).sort();
    expect(inputs).toEqual(['electron/main/channels.ts', 'electron/main/preload.ts']);
    const output = Object.values(result.metafile.outputs)[0];
    expect(output.imports.map((i) => i.path)).toEqual(['electron']);
    expect(output.bytes).toBeLessThan(4 * 1024);
  });
});

describe('quitting', () => {
  function quitting(close: () => Promise<void>) {
    const log: string[] = [];
    const guard = createQuitGuard(
      async () => {
        log.push('close');
        await close();
      },
      () => log.push('quit'),
      (error) => log.push(`report: ${error.message}`),
    );
    const event = () => {
      const e = { prevented: false, preventDefault: () => void (e.prevented = true) };
      return e;
    };
    return { log, guard, event };
  }

  it('holds the first quit until the engine is closed, closes it once however often quit is asked, then quits', async () => {
    let finish!: () => void;
    const { log, guard, event } = quitting(() => new Promise<void>((resolve) => (finish = resolve)));
    const first = event(), again = event();
    guard(first);
    guard(again); // Cmd+Q pressed twice, or window-all-closed while closing
    expect(first.prevented && again.prevented).toBe(true);
    expect(log).toEqual(['close']);
    finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual(['close', 'quit']);
    const final = event();
    guard(final); // the quit the guard started itself
    expect(final.prevented).toBe(false);
    expect(log).toEqual(['close', 'quit']);
  });

  it('reports a failing close and still quits', async () => {
    const { log, guard, event } = quitting(() => Promise.reject(new Error('watcher would not stop')));
    guard(event());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual(['close', 'report: watcher would not stop', 'quit']);
  });
});
