// The Electron main entry (dist/electron/main.mjs): sets what dependencies read when they load, then loads
// the app (dist/electron/app.mjs). It must be a file of its own: a bundle's imports all load before its code.
import { protocol } from 'electron';
import { packagedEsbuildEnv } from '../engine/asar';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES } from './app-protocol';

// In an installed app esbuild's binary is unpacked beside app.asar; esbuild reads this variable at load time.
for (const [name, value] of Object.entries(packagedEsbuildEnv())) process.env[name] ??= value;

// Only possible before `ready`, and app.mjs arrives by a dynamic import that `ready` need not wait for: the
// scheme gets an origin of its own, counts as secure, and may use fetch.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

// A name in a variable: the bundler leaves it alone, so app.mjs stays the file built from main.ts.
const app = './app.mjs';
await import(app);
