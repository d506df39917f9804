// Bundles the user's TypeScript/JavaScript and what it imports from ./servers and ./skills into one ESM file for Node.
import { build, type Message } from 'esbuild';
import { SandboxError } from './types';

export interface BundleResult {
  code: string;
}

function describe(messages: Message[]): string {
  return messages
    .slice(0, 5)
    .map((m) => (m.location ? `line ${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text))
    .join('\n');
}

export async function bundleForNode(code: string, language: 'typescript' | 'javascript', apiDir: string): Promise<BundleResult> {
  try {
    const result = await build({
      stdin: { contents: code, resolveDir: apiDir, sourcefile: language === 'typescript' ? 'main.ts' : 'main.js', loader: language === 'typescript' ? 'ts' : 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      sourcemap: 'inline',
      logLevel: 'silent',
      // Lets bundled CommonJS dependencies call require() for Node built-ins inside an ES module.
      banner: { js: "import { createRequire as __skillgraphCreateRequire } from 'node:module'; const require = __skillgraphCreateRequire(import.meta.url);" },
    });
    return { code: result.outputFiles[0].text };
  } catch (error) {
    const failure = error as { errors?: Message[]; message?: string };
    throw new SandboxError('bundle-failed', `the code could not be bundled: ${failure.errors ? describe(failure.errors) : failure.message}`);
  }
}
