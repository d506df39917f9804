// Servers like MCP Inspector, on real servers: a duplicate name is refused, a server is edited with its secrets
// never shown, a crashing server shows its real error and its log; with server-everything the app reads resources,
// gets prompts with arguments, answers a server's question in a dialog, answers its request for a completion (sampling)
// with what the person writes, or declines it, renders an image, shows a long call's
// progress and cancels it, and shows the generated API as files. An empty Servers area offers examples.
import fs from 'node:fs';
import path from 'node:path';
import { snap, test as bareTest } from './app';
import { EVERYTHING_SERVER, expect, test } from './journey-app';

const readMcp = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, { env?: Record<string, string>; args?: string[] }> };
const TOKEN = 'ghp_e2eLiteralToken1234567890abcdef';

test.use({ viewport: { width: 1024, height: 700 } });
bareTest.use({ viewport: { width: 1024, height: 700 } });

test('servers: duplicates refused, edits keep secrets masked, a crash shows its cause and log', async ({ app, page }, testInfo) => {
  await page.goto(app.loginUrl);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Servers' }).click();
  const servers = page.getByRole('list', { name: 'Configured servers' });
  const everything = servers.getByRole('listitem').filter({ hasText: 'everything' });
  await expect(everything).toContainText('ready', { timeout: 60_000 });
  // Each server shows what it is: its command line.
  await expect(everything.locator('.server-summary')).toContainText('server-everything/dist/index.js stdio');

  // The name is taken: refused with the reason, the dialog keeps what was typed, mcp.json is unchanged.
  await page.getByRole('button', { name: 'Add server' }).click();
  const add = page.getByRole('dialog', { name: 'Add server' });
  await add.getByLabel('Name').fill('everything');
  await add.getByRole('textbox', { name: 'Command' }).fill(process.execPath);
  await add.getByLabel('Arguments (one per line)').fill('/nonexistent.js');
  await add.getByRole('button', { name: 'Add' }).click();
  await expect(add.getByRole('alert')).toContainText('A server named everything is already configured');
  expect(readMcp(app.dataDir).mcpServers.everything.args).toEqual(EVERYTHING_SERVER.args);

  // Under a free name the crashing server shows Node's own words, not the tail of a stack.
  await add.getByLabel('Name').fill('crashing');
  await add.getByRole('button', { name: 'Add' }).click();
  const crashing = servers.getByRole('listitem').filter({ hasText: 'crashing' });
  await expect(crashing).toContainText('failed', { timeout: 60_000 });
  await expect(crashing.locator('.server-cause')).toContainText("Cannot find module '/nonexistent.js'");
  await expect(crashing.locator('.server-cause')).not.toContainText('requireStack');
  await crashing.getByRole('button', { name: 'Log of crashing' }).click();
  await expect(page.getByRole('list', { name: 'Log of crashing' })).toContainText("Cannot find module '/nonexistent.js'");
  await snap(page, testInfo, 'servers-crash-cause');

  // Edit everything: a literal token and a ${env:} reference in its environment.
  await everything.getByRole('button', { name: 'Edit everything' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit everything' });
  await expect(edit.getByRole('textbox', { name: 'Command' })).toHaveValue(process.execPath);
  await edit.getByLabel(/^Environment/).fill(`API_TOKEN=${TOKEN}\nHOME_DIR=\${env:HOME}\nPLAIN=hello`);
  await edit.getByLabel(/^Startup timeout/).fill('45');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toHaveCount(0);
  const saved = readMcp(app.dataDir).mcpServers.everything as { env: Record<string, string>; startupTimeoutMs: number };
  expect(saved.env).toEqual({ API_TOKEN: TOKEN, HOME_DIR: '${env:HOME}', PLAIN: 'hello' });
  expect(saved.startupTimeoutMs).toBe(45_000);
  await expect(everything).toContainText('ready', { timeout: 60_000 });

  // The token is never on screen, in the list or in the edit form; the reference is shown as written.
  await everything.getByRole('button', { name: 'Edit everything' }).click();
  const again = page.getByRole('dialog', { name: 'Edit everything' });
  const envField = again.getByLabel(/^Environment/);
  await expect(envField).toHaveValue(/API_TOKEN=\[redacted env\.API_TOKEN\]/);
  await expect(envField).toHaveValue(/HOME_DIR=\$\{env:HOME\}/);
  expect(await page.content()).not.toContain(TOKEN);
  // Saving the masked value back keeps the secret it stood for.
  await envField.fill(((await envField.inputValue()) + '\nEXTRA=1').trim());
  await again.getByRole('button', { name: 'Save' }).click();
  await expect(again).toHaveCount(0);
  expect(readMcp(app.dataDir).mcpServers.everything.env).toEqual({ API_TOKEN: TOKEN, HOME_DIR: '${env:HOME}', PLAIN: 'hello', EXTRA: '1' });
  expect(await page.content()).not.toContain(TOKEN);
  await snap(page, testInfo, 'servers-edited');
});

test('everything: resources, prompts, a question, an image, progress and cancel, API files', async ({ app, page }, testInfo) => {
  await page.goto(app.loginUrl);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Servers' }).click();
  const everything = page.getByRole('list', { name: 'Configured servers' }).getByRole('listitem').filter({ hasText: 'everything' });
  await expect(everything).toContainText('ready', { timeout: 60_000 });
  await everything.getByRole('link', { name: 'everything' }).click();
  const tabs = page.getByRole('tablist', { name: 'Inspect everything' });

  // Resources: listed, and read.
  await tabs.getByRole('tab', { name: 'Resources' }).click();
  const resources = page.getByRole('list', { name: 'Resources of everything' });
  await resources.getByRole('button', { name: 'architecture.md' }).click();
  const read = page.getByRole('region', { name: 'Resource contents' });
  await expect(read).toContainText('demo://resource/static/document/architecture.md');
  await expect(read.locator('pre')).not.toBeEmpty();

  // Prompts: one with a required argument.
  await tabs.getByRole('tab', { name: 'Prompts' }).click();
  await page.getByRole('list', { name: 'Prompts of everything' }).getByRole('button', { name: 'Arguments Prompt' }).click();
  const prompt = page.getByRole('form', { name: 'Prompt args-prompt' });
  await prompt.getByRole('button', { name: 'Get args-prompt' }).click();
  await expect(prompt.getByRole('alert')).toContainText('city is required');
  await prompt.getByLabel(/^city/).fill('Lyon');
  await prompt.getByRole('button', { name: 'Get args-prompt' }).click();
  await expect(prompt.getByRole('region', { name: 'Prompt messages' })).toContainText("What's weather in Lyon?");

  // Files: the API tree of the server as its files.
  await tabs.getByRole('tab', { name: 'Files' }).click();
  const files = page.getByRole('list', { name: 'Files of servers/everything' });
  await files.getByRole('button', { name: 'README.md' }).click();
  await expect(page.getByLabel('Content of README.md')).toContainText('get-sum');
  await expect(files.getByRole('button', { name: /\.py$/ }).first()).toBeVisible();

  // Try it: an image is rendered.
  await tabs.getByRole('tab', { name: 'Tools' }).click();
  const tools = page.getByRole('navigation', { name: 'Tools of everything' });
  await tools.getByRole('link', { name: 'get-tiny-image', exact: true }).click();
  await page.getByRole('button', { name: 'Call get-tiny-image' }).click();
  const result = page.getByRole('status', { name: 'Result' });
  await expect(result).toContainText('Succeeded');
  const image = result.getByRole('img');
  await expect(image).toBeVisible();
  expect(await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  await snap(page, testInfo, 'try-it-image');

  // A long call reports progress and can be cancelled; the cancelled result shows no stray value.
  await tools.getByRole('link', { name: 'trigger-long-running-operation', exact: true }).click();
  await page.getByLabel(/^duration/).fill('60');
  await page.getByLabel(/^steps/).fill('60');
  await page.getByRole('button', { name: 'Call trigger-long-running-operation' }).click();
  const progress = page.getByRole('status', { name: 'Call progress' });
  await expect(progress).toContainText(/\d+ of 60/, { timeout: 30_000 });
  await snap(page, testInfo, 'try-it-progress');
  await progress.getByRole('button', { name: 'Cancel call' }).click();
  await expect(result).toContainText('Cancelled');
  await expect(result.locator('pre')).toHaveCount(0);
  await expect(result).not.toContainText('null');

  // The server asks a question: a dialog from its schema, the answer goes back into the tool's result.
  await tools.getByRole('link', { name: 'trigger-elicitation-request', exact: true }).click();
  await page.getByRole('button', { name: 'Call trigger-elicitation-request' }).click();
  const question = page.getByRole('dialog', { name: 'everything asks' });
  await expect(question).toContainText('Please provide inputs for the following fields');
  await question.getByRole('button', { name: 'Send' }).click();
  await expect(question.getByRole('alert')).toContainText('name is required');
  await question.getByLabel(/^name/).fill('Ada Lovelace');
  await snap(page, testInfo, 'elicitation-dialog');
  await question.getByRole('button', { name: 'Send' }).click();
  await expect(question).toHaveCount(0);
  await expect(result).toContainText('Succeeded');
  await expect(result).toContainText('Ada Lovelace');

  // Declined: the server hears it.
  await page.getByRole('button', { name: 'Call trigger-elicitation-request' }).click();
  await page.getByRole('dialog', { name: 'everything asks' }).getByRole('button', { name: 'Decline' }).click();
  await expect(result).toContainText(/declined/i);
});

test('everything: a request for a completion shows what the server asked; the person writes the answer or declines', async ({ app, page }, testInfo) => {
  await page.goto(app.loginUrl);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Servers' }).click();
  const everything = page.getByRole('list', { name: 'Configured servers' }).getByRole('listitem').filter({ hasText: 'everything' });
  await expect(everything).toContainText('ready', { timeout: 60_000 });
  await everything.getByRole('link', { name: 'everything' }).click();
  // The app declares sampling, so server-everything offers its sampling tool.
  const tools = page.getByRole('navigation', { name: 'Tools of everything' });
  await tools.getByRole('link', { name: 'trigger-sampling-request', exact: true }).click();
  await page.getByLabel(/^prompt/).fill('What is the capital of France?');
  await page.getByLabel(/^maxTokens/).fill('64');
  await page.getByRole('button', { name: 'Call trigger-sampling-request' }).click();

  const request = page.getByRole('dialog', { name: 'everything asks for a completion' });
  await expect(request.getByRole('region', { name: 'System prompt' })).toContainText('You are a helpful test server.');
  await expect(request.getByRole('region', { name: 'Messages' })).toContainText('user');
  await expect(request.getByRole('region', { name: 'Messages' })).toContainText('What is the capital of France?');
  const terms = request.getByLabel('What the server asked of the model');
  await expect(terms).toContainText('Max tokens64');
  await expect(terms).toContainText('Temperature0.7');
  // Nothing written: refused in place, the request stays open.
  await request.getByRole('button', { name: 'Send' }).click();
  await expect(request.getByRole('alert')).toContainText('Write the answer to send');
  await request.getByLabel('Answer').fill('Paris, written by a person.');
  await snap(page, testInfo, 'sampling-dialog');
  await request.getByRole('button', { name: 'Send' }).click();
  await expect(request).toHaveCount(0);
  const result = page.getByRole('status', { name: 'Result' });
  await expect(result).toContainText('Succeeded');
  await expect(result).toContainText('Paris, written by a person.');
  await expect(result).toContainText('person-in-skillgraph');

  // Declined: the server gets an error saying so, which the call's result shows.
  await page.getByRole('button', { name: 'Call trigger-sampling-request' }).click();
  await page.getByRole('dialog', { name: 'everything asks for a completion' }).getByRole('button', { name: 'Decline' }).click();
  await expect(result).toContainText('declined this sampling request');
});

bareTest('an empty Servers area offers ready examples, the filesystem one for a folder', async ({ app, page }) => {
  await page.goto(app.loginUrl);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Servers' }).click();
  const examples = page.getByLabel('Example servers');
  await expect(examples).toContainText('No MCP servers configured yet');
  await examples.getByRole('button', { name: 'Files in a folder' }).click();
  const folder = page.getByRole('dialog', { name: 'Files in a folder' });
  await folder.getByRole('textbox').fill(app.graphDir);
  await folder.getByRole('button', { name: 'Next' }).click();
  const add = page.getByRole('dialog', { name: 'Add server' });
  await expect(add.getByLabel('Name')).toHaveValue('filesystem');
  await expect(add.getByLabel('Arguments (one per line)')).toHaveValue(`-y\n@modelcontextprotocol/server-filesystem\n${app.graphDir}`);
  await add.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('list', { name: 'Configured servers' })).toContainText('filesystem');
  expect(readMcp(app.dataDir).mcpServers.filesystem.args).toEqual(['-y', '@modelcontextprotocol/server-filesystem', app.graphDir]);
});

