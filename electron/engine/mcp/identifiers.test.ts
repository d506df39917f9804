// The editor completes tool functions from the file stems in the API tree (shared/identifiers): for names
// without collisions, what it derives must be the function the generator wrote, reserved words included.
import { describe, expect, it } from 'vitest';
import { pyFunctionName, tsFunctionName } from '../../../shared/identifiers';
import { assignIdentifiers } from './names';

describe('function names derived from a stem', () => {
  it('are the generator’s TypeScript and Python function names', () => {
    const names = ['get-user', 'HTTPServer', 'delete', 'class', 'import', 'print', 'index', '42answer', 'échelle', 'a--b', ''];
    for (const [name, id] of assignIdentifiers(names)) {
      expect(tsFunctionName(id.stem), name).toBe(id.fn);
      expect(pyFunctionName(id.stem), name).toBe(id.pyFn);
    }
  });

  it('never hand the editor a keyword', () => {
    expect(tsFunctionName('delete_')).toBe('delete_');
    expect(pyFunctionName('import_')).toBe('import_');
    expect(pyFunctionName('print_')).toBe('print_');
  });
});
