// Which better-sqlite3 binding a process loads: Node's own in node_modules, or, under Electron, the copy built
// for Electron's ABI in .electron-native/ — chosen from process.versions, loaded for real, never guessed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { betterSqliteOptions, electronBindingMissingReason, electronBindingPath, NativeBindingMissingError } from '../engine/native-binding';
import { SearchIndex } from '../engine/index/search-index';
import { tempDir } from './helpers';

const nodeBuild = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

/** A package root whose .electron-native/ holds a loadable binding for `abi` (Node's own build, so this process can load it). */
function rootWithBinding(abi: string): string {
  const root = tempDir('skillgraph-native-');
  const file = electronBindingPath(abi, root);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(nodeBuild, file);
  return root;
}

afterEach(() => {
  delete (process.versions as { electron?: string }).electron;
});

describe('the better-sqlite3 binding', () => {
  it('under Node is the one in node_modules: no nativeBinding option at all', () => {
    expect(process.versions.electron).toBeUndefined();
    expect(betterSqliteOptions()).toEqual({});
    expect(betterSqliteOptions({ modules: '115' }, rootWithBinding('115'))).toEqual({});
    const db = new Database(':memory:', betterSqliteOptions());
    expect(db.prepare('select 1 as one').get()).toEqual({ one: 1 });
    db.close();
  });

  it("under Electron is the build for Electron's ABI in .electron-native/, and better-sqlite3 really loads that file", () => {
    const root = rootWithBinding(process.versions.modules);
    const options = betterSqliteOptions({ electron: '41.7.1', modules: process.versions.modules }, root);
    expect(options).toEqual({ nativeBinding: path.join(root, '.electron-native', `abi-${process.versions.modules}`, 'better_sqlite3.node') });
    const db = new Database(':memory:', options);
    expect(db.prepare("select sqlite_version() as v").get()).toMatchObject({ v: expect.any(String) });
    db.close();
  });

  it('keeps one folder per ABI, so an Electron upgrade never loads a stale build', () => {
    const root = rootWithBinding('145');
    expect(betterSqliteOptions({ electron: '41.7.1', modules: '145' }, root).nativeBinding).toContain('abi-145');
    expect(() => betterSqliteOptions({ electron: '42.0.0', modules: '146' }, root)).toThrow(NativeBindingMissingError);
  });

  it('when the Electron build is missing, says what is missing and how to build it', () => {
    const root = tempDir('skillgraph-native-');
    let thrown: unknown;
    try {
      betterSqliteOptions({ electron: '41.7.1', modules: '145' }, root);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NativeBindingMissingError);
    expect(thrown).toMatchObject({ code: 'native-binding-missing' });
    expect((thrown as Error).message).toContain(electronBindingPath('145', root));
    expect((thrown as Error).message).toMatch(/Electron 41\.7\.1 \(ABI 145\)/);
    expect((thrown as Error).message).toContain('scripts/electron-native.mjs');
  });

  it('a missing Electron build never costs the existing index file (it is no fault of the file)', async () => {
    const dbPath = path.join(tempDir(), 'index.sqlite');
    const index = SearchIndex.open(dbPath);
    index.close();
    const before = fs.readFileSync(dbPath);
    Object.defineProperty(process.versions, 'electron', { value: '41.7.1', configurable: true, enumerable: true });
    expect(() => SearchIndex.open(dbPath)).toThrow(NativeBindingMissingError);
    delete (process.versions as { electron?: string }).electron;
    expect(fs.readFileSync(dbPath)).toEqual(before);
  });

  it('tells `skillgraph start` why the installed Electron cannot open the index yet', () => {
    const root = tempDir('skillgraph-native-');
    expect(electronBindingMissingReason(root)).toBeUndefined(); // no electron package: nothing to say
    fs.mkdirSync(path.join(root, 'node_modules', 'electron'), { recursive: true });
    fs.writeFileSync(path.join(root, 'node_modules', 'electron', 'abi_version'), '145\n');
    expect(electronBindingMissingReason(root)).toMatch(/not built for Electron's ABI 145.*\.electron-native\/abi-145\/better_sqlite3\.node is missing/);
    fs.mkdirSync(path.dirname(electronBindingPath('145', root)), { recursive: true });
    fs.copyFileSync(nodeBuild, electronBindingPath('145', root));
    expect(electronBindingMissingReason(root)).toBeUndefined();
  });
});
