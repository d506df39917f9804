// A skill's signature read from its code becomes the form the app shows, and the call code puts the form's
// values where the function expects them (one object, positional parameters, Python keywords).
import { describe, expect, it } from 'vitest';
import { skillCallCode, skillSignature } from './signature';

describe('skill signatures', () => {
  it('reads the members of a single object parameter as fields, optional ones not required', () => {
    const code = "export async function addNumbers(input: { a: number; b: number; label?: string; mode: 'fast' | 'slow' }) { return input.a + input.b; }";
    const signature = skillSignature({ name: 'add_numbers', language: 'typescript', code });
    expect(signature.mode).toBe('object');
    expect(signature.schema.properties).toEqual({ a: { type: 'number' }, b: { type: 'number' }, label: { type: 'string' }, mode: { type: 'string', enum: ['fast', 'slow'] } });
    expect(signature.schema.required).toEqual(['a', 'b', 'mode']);
    expect(skillCallCode({ name: 'add_numbers', language: 'typescript', code }, { a: 1, b: 2, mode: 'fast' })).toContain('await addNumbers({"a":1,"b":2,"mode":"fast"});');
  });

  it('calls positional parameters in order, leaving out trailing ones not given', () => {
    const code = 'export const greet = async (name: string, times = 1, loud?: boolean) => name.repeat(times);';
    const signature = skillSignature({ name: 'greet', language: 'typescript', code });
    expect(signature.mode).toBe('positional');
    expect(signature.schema.required).toEqual(['name']);
    expect(skillCallCode({ name: 'greet', language: 'typescript', code }, { name: 'Ada' })).toContain('await greet("Ada");');
    expect(skillCallCode({ name: 'greet', language: 'typescript', code }, { name: 'Ada', loud: true })).toContain('await greet("Ada", undefined, true);');
  });

  it('a script saved as a skill takes nothing', () => {
    const signature = skillSignature({ name: 'hello', language: 'typescript', code: "console.log('hi');" });
    expect(signature.schema.properties).toEqual({});
    expect(skillCallCode({ name: 'hello', language: 'typescript', code: "console.log('hi');" }, {})).toContain("import { hello } from './skills/hello';");
  });

  it('reads Python parameters with their annotations and defaults, and calls with keywords', () => {
    const code = 'def count_words(text: str, limit: int = 10, options: Dict[str, int] = {}):\n    return len(text.split())[:limit]\n';
    const signature = skillSignature({ name: 'count_words', language: 'python', code });
    expect(signature.schema.properties).toEqual({ text: { type: 'string' }, limit: { type: 'integer' }, options: { description: 'JSON of type Dict[str, int]' } });
    expect(signature.schema.required).toEqual(['text']);
    const call = skillCallCode({ name: 'count_words', language: 'python', code }, { text: 'a "quoted" word' });
    expect(call).toContain('from skills.count_words import count_words as _skill');
    expect(call).toContain(String.raw`_skill(**json.loads("{\"text\":\"a \\\"quoted\\\" word\"}"))`);
  });

  it('refuses a missing required argument and one the skill does not take', () => {
    const code = 'export async function addNumbers(input: { a: number }) { return input.a; }';
    expect(() => skillCallCode({ name: 'add_numbers', language: 'typescript', code }, {})).toThrow('needs the argument a');
    expect(() => skillCallCode({ name: 'add_numbers', language: 'typescript', code }, { a: 1, z: 2 })).toThrow('takes no argument named z');
  });
});
