// Builds better-sqlite3 for the Electron in node_modules into .electron-native/abi-<N>/ (a copy of the package
// is rebuilt there with @electron/rebuild), so node_modules keeps the Node build the CLI and tests need.
//   node scripts/electron-native.mjs            build if missing; exit 1 with the reason if it cannot
//   node scripts/electron-native.mjs --if-electron   as above, but only where an Electron binary is installed,
//                                                and a failure is reported without failing (npm start)
//   --force                                      rebuild even if the file exists
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const tolerant = args.has('--if-electron');

const electronPackage = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'));
const abi = fs.readFileSync(path.join(root, 'node_modules/electron/abi_version'), 'utf8').trim();
const sqlitePackageDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = JSON.parse(fs.readFileSync(path.join(sqlitePackageDir, 'package.json'), 'utf8')).version;
// Kept in step with electron/engine/native-binding.ts (electronBindingPath), which the app loads from.
const target = path.join(root, '.electron-native', `abi-${abi}`, 'better_sqlite3.node');

function electronBinaryInstalled() {
  try {
    return fs.existsSync(require('electron'));
  } catch {
    return false; // the electron package throws when its download step never ran
  }
}

if (tolerant && !electronBinaryInstalled()) process.exit(0); // nothing to build for: npm start serves browser mode
if (fs.existsSync(target) && !args.has('--force')) process.exit(0);

const work = path.join(root, '.electron-native', `build-abi-${abi}`);
console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronPackage.version} (ABI ${abi}) into ${path.relative(root, target)}…`);
try {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(work, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'skillgraph-electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }));
  fs.cpSync(sqlitePackageDir, path.join(work, 'node_modules', 'better-sqlite3'), {
    recursive: true,
    filter: (file) => !file.startsWith(path.join(sqlitePackageDir, 'build')),
  });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: work, electronVersion: electronPackage.version, onlyModules: ['better-sqlite3'], force: true });
  const built = path.join(work, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!fs.existsSync(built)) throw new Error(`the rebuild finished but left no ${path.relative(root, built)}`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(built, target);
  console.log(`Built ${path.relative(root, target)}.`);
} catch (error) {
  const message =
    `Cannot build better-sqlite3 for Electron ${electronPackage.version} (ABI ${abi}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n` +
    '  It needs the internet once (a prebuilt binary from better-sqlite3\'s releases, or Electron\'s headers plus a C++ toolchain).\n' +
    '  Until it is built the desktop app cannot open its index, so `npm start` serves browser mode instead.';
  console.error(message);
  process.exitCode = tolerant ? 0 : 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
