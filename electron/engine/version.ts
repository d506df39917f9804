// The app version, read once from package.json so the UI, CLI and gateway report the same number.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './locations';

export const VERSION: string = (() => {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // No package.json beside the build (a bare script): the version is unknown.
    return '0.0.0';
  }
})();
