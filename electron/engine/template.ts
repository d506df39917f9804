// Creates a new Logseq graph from the bundled starter template (logseq-template/). The copy is made in a
// temporary sibling folder and renamed into place, so a failure never leaves half a graph behind.
import fs from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../../shared/errors';

export function createGraphFromTemplate(template: string, target: string): void {
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    throw new InvalidInputError(`Cannot create a new graph in ${target}: the folder is not empty.`);
  }
  const parent = path.dirname(target);
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw new InvalidInputError(`Cannot create ${parent}: ${(error as Error).message}`);
  }
  const staging = path.join(parent, `.${path.basename(target)}.creating-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    fs.cpSync(template, staging, { recursive: true });
    // Git cannot keep empty folders, so the template marks them with .gitkeep; Logseq needs them to exist.
    for (const dir of ['journals', 'pages', 'assets']) fs.mkdirSync(path.join(staging, dir), { recursive: true });
    for (const keep of ['journals/.gitkeep', 'assets/.gitkeep']) fs.rmSync(path.join(staging, keep), { force: true });
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(staging, target);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new InvalidInputError(`Cannot create a new graph in ${target}: ${(error as Error).message}`);
  }
}
