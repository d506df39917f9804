// Checks Python skill code with the real Python compiler before it is saved, so a syntax error is reported
// with its line at save time instead of at the first run that imports the skill.
import { execFile } from 'node:child_process';

export type PythonSyntaxCheck =
  | { kind: 'ok' }
  | { kind: 'syntax-error'; line?: number; message: string }
  /** No usable interpreter: the caller saves anyway and says the code was not checked. */
  | { kind: 'unchecked'; reason: string };

// Compiles without running anything. Top-level `await` is allowed because the sandbox runs Python that way;
// the answer is one JSON line so that nothing the code contains can be mistaken for it.
const COMPILE_SCRIPT = [
  'import ast, json, sys',
  "source = sys.stdin.buffer.read().decode('utf-8', 'replace')",
  'try:',
  "    compile(source, '<skill>', 'exec', flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)",
  "    print(json.dumps({'ok': True}))",
  'except SyntaxError as error:',
  "    print(json.dumps({'ok': False, 'line': error.lineno, 'message': error.msg}))",
  'except (ValueError, RecursionError, MemoryError) as error:',
  "    print(json.dumps({'ok': False, 'line': None, 'message': str(error) or type(error).__name__}))",
].join('\n');

const CHECK_TIMEOUT_MS = 15_000;

/** Compiles `code` with `python` (default `python3`); never throws. */
export function checkPythonSyntax(code: string, python = 'python3'): Promise<PythonSyntaxCheck> {
  return new Promise((resolve) => {
    // -I: ignore PYTHON* variables and the user's site folder; -S: no site import. Only the compiler answers,
    // and it starts faster.
    const child = execFile(python, ['-I', '-S', '-c', COMPILE_SCRIPT], { timeout: CHECK_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      const answer = parseAnswer(stdout);
      if (answer) return resolve(answer);
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') return resolve({ kind: 'unchecked', reason: `${python} was not found` });
      const detail = error?.killed ? `${python} did not answer within ${CHECK_TIMEOUT_MS / 1000} s` : `${python} failed: ${lastLine(stderr) || error?.message || 'no answer'}`;
      resolve({ kind: 'unchecked', reason: detail });
    });
    child.stdin?.on('error', () => {}); // an interpreter that exits early closes stdin; its answer (or absence) is what counts
    child.stdin?.end(code, 'utf8');
  });
}

function parseAnswer(stdout: string): PythonSyntaxCheck | undefined {
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(last) as { ok: boolean; line?: number | null; message?: string };
    if (parsed.ok === true) return { kind: 'ok' };
    if (parsed.ok === false && typeof parsed.message === 'string') return { kind: 'syntax-error', message: parsed.message, ...(typeof parsed.line === 'number' ? { line: parsed.line } : {}) };
  } catch {
    // Not our JSON line: treated as no answer.
  }
  return undefined;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
