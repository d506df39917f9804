// The Electron main entry (dist/electron/main.mjs): sets what dependencies read when they load, then loads
// the app (dist/electron/app.mjs). It must be a file of its own: a bundle's imports all load before its code.
import { packagedEsbuildEnv } from '../engine/asar';

// In an installed app esbuild's binary is unpacked beside app.asar; esbuild reads this variable at load time.
for (const [name, value] of Object.entries(packagedEsbuildEnv())) process.env[name] ??= value;

// A name in a variable: the bundler leaves it alone, so app.mjs stays the file built from main.ts.
const app = './app.mjs';
await import(app);
