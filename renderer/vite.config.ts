// Builds the React renderer into dist/renderer (relative asset paths, served as is by browser mode and by Electron's app:// protocol).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from '../shared/csp.ts';

/** Puts the one CSP into the built index.html (the dev server's inline React preamble would break under it). */
const contentSecurityPolicy: Plugin = {
  name: 'skillgraph-csp',
  apply: 'build',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META }, injectTo: 'head-prepend' }],
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), contentSecurityPolicy],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
});
