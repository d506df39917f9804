// Which servers a run's code imports (execute_code generates only those before it runs): named ones in TypeScript,
// JavaScript and Python; anything that may reach every server (the servers index, a bare `servers`) means all.
import { describe, expect, it } from 'vitest';
import { importedServers } from './gateway';

describe('importedServers', () => {
  it('names the servers imported by path (TypeScript, JavaScript) or by module (Python), and none for code without', () => {
    expect(importedServers("import { readGraph } from './servers/memory';\nimport { echo } from \"./servers/everything/echo\";\n")).toEqual(['memory', 'everything']);
    expect(importedServers('from servers.github import list_issues\nimport servers.slack.post as post\n')).toEqual(['github', 'slack']);
    expect(importedServers("console.log('hello');\n")).toEqual([]);
  });

  it('answers undefined (every server) for code that may reach any of them', () => {
    expect(importedServers("import * as all from './servers/index';\n")).toBeUndefined();
    expect(importedServers("import { memory } from './servers';\n")).toBeUndefined();
    expect(importedServers('from servers import memory\n')).toBeUndefined();
    expect(importedServers("const m = await import('./servers/' + name);\n")).toBeUndefined();
  });
});
