// A script saved as a skill is wrapped into the skill's function with its own indentation kept one level in,
// and the text of multi-line template literals left exactly as written.
import { describe, expect, it } from 'vitest';
import { toSkillModule } from './module';

describe('wrapping a TypeScript script into the skill function', () => {
  it('keeps nested indentation one level inside the function, also when the script has a template literal', () => {
    const script = [
      "import { getSum } from './servers/everything';",
      'const items = [1, 2];',
      'for (const item of items) {',
      '  if (item > 1) {',
      '    console.log(`item ${item}`);',
      '  }',
      '}',
    ].join('\n');
    const { code, wrapped } = toSkillModule('sum_items', 'typescript', script);
    expect(wrapped).toBe(true);
    expect(code).toBe(
      [
        "import { getSum } from './servers/everything';",
        '',
        'export async function sumItems() {',
        '  const items = [1, 2];',
        '  for (const item of items) {',
        '    if (item > 1) {',
        '      console.log(`item ${item}`);',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('leaves the lines inside a multi-line template literal as they are', () => {
    const script = ['const report = `first', '  second ${1 + 1}', 'third`;', 'if (report) {', '  console.log(report);', '}'].join('\n');
    const { code } = toSkillModule('make_report', 'typescript', script);
    expect(code).toBe(
      ['export async function makeReport() {', '  const report = `first', '  second ${1 + 1}', 'third`;', '  if (report) {', '    console.log(report);', '  }', '}', ''].join('\n'),
    );
    // The string the function builds is the one the script built.
    expect(code).toContain('`first\n  second ${1 + 1}\nthird`');
  });
});
