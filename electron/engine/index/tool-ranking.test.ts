// search_tools' ranking on a fixed catalog: the tools/list answers of the servers the gateway tests use, recorded in
// fixtures/tool-catalog.json. Tasks are phrased the way agents ask, not in the tools' words; bench/discovery.bench.ts
// measures the same ranking over 30 tasks on the live servers. The rules that matter once there are many servers are
// checked on the tools/list answers of 37 real npm servers (712 tools) recorded in bench/fixtures/discovery.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { recordedCatalog } from '../../../bench/fixtures/discovery-catalog';
import { renderApiTree } from '../mcp/generator';
import catalogFixture from './fixtures/tool-catalog.json';
import { isDeprecatedTool, productWords, rankTools, stem, stemAlternate, words } from './tool-ranking';

const catalog = new Map(Object.entries(catalogFixture.servers as unknown as Record<string, Tool[]>));
const { docs } = renderApiTree(catalog);
const top = (query: string, n = 1) => rankTools(docs, query, n).map((doc) => `${doc.server}/${doc.tool}`);

describe('rankTools', () => {
  it('puts the right tool first for tasks in the agent’s words: synonyms of verbs and nouns, parameters, questions', () => {
    expect(top('make a new folder')).toEqual(['filesystem/create_directory']);
    expect(top('forget an entity')).toEqual(['memory/delete_entities']);
    expect(top('fetch all rows of a spreadsheet tab')).toEqual(['sheets/get_sheet']);
    expect(top('which slack channels exist')).toEqual(['slack/list_channels']);
    expect(top('send a message to a slack channel')).toEqual(['slack/post_message']);
    expect(top('change a few lines in an existing file')).toEqual(['filesystem/edit_file']);
  });

  it('finds a tool by its own name written as an identifier or as words', () => {
    expect(top('get_sheet')).toEqual(['sheets/get_sheet']);
    expect(top('readTextFile')).toEqual(['filesystem/read_text_file']);
    expect(top('gzip file as resource')).toEqual(['everything/gzip-file-as-resource']);
  });

  it('ranks a tool whose description declares it deprecated after every other match, and labels only that one', () => {
    const reads = top('read file', 50);
    expect(reads.at(-1)).toBe('filesystem/read_file');
    expect(reads.slice(0, 3)).not.toContain('filesystem/read_file');
    expect(docs.filter(isDeprecatedTool).map((doc) => doc.tool)).toEqual(['read_file']);
    expect(isDeprecatedTool({ description: 'Replaces the deprecated v1 search.' })).toBe(false);
    expect(isDeprecatedTool({ description: 'Deprecated: use search_v2.' })).toBe(true);
  });

  it('returns nothing for a query no tool matches, and at most the limit', () => {
    expect(top('photosynthesis chlorophyll')).toEqual([]);
    expect(top('file', 4)).toHaveLength(4);
    expect(top('the of a')).toEqual([]);
  });

  it('stems and splits identifiers the same way for queries and docs', () => {
    expect(words('readMultipleFiles list_directories')).toEqual(['read', 'multiple', 'file', 'list', 'directory']);
    expect([stem('entities'), stem('running'), stem('modified'), stem('matches'), stem('status')]).toEqual(['entity', 'run', 'modifi', 'match', 'status']);
  });
});

describe('rankTools over 37 recorded npm servers', () => {
  const recorded = renderApiTree(recordedCatalog()).docs;
  const best = (query: string, n = 1) => rankTools(recorded, query, n).map((doc) => `${doc.server}/${doc.tool}`);

  it('lifts the tools of a server the task names, over tools of other servers that match more words', () => {
    // mongodb's delete-many/insert-many match "many" and "database"; the one postgres tool matches only its name.
    expect(best('how many orders were placed last month in the postgres database')).toEqual(['postgres/query']);
    expect(best('tick off the dentist appointment in Todoist')).toEqual(['todoist/close_tasks']);
  });

  it('keeps a product name written in mixed case whole: "GitHub" is the github server, not git and hub', () => {
    expect(productWords('Create an issue on GitHub or in MongoDB')).toEqual(['github', 'mongodb']);
    expect(best('leave a comment on GitHub issue 42')).toEqual(['github/add_issue_comment']);
  });

  it('prefers the server whose tools, together, speak of the task', () => {
    // "repo", "changed" and "last" are git's words; the line chart matches only "line".
    expect(best('who changed this line last in the repo')).toEqual(['git/git_blame']);
  });

  it('reads the values a parameter allows as words of the tool', () => {
    // kubectl_rollout says neither "restart" nor "pod"; its subCommand enum allows "restart".
    expect(best('restart the pods of the api deployment', 3)).toContain('kubernetes/kubectl_rollout');
  });

  it('counts a rare synonym no more than the word asked, and ignores words no tool knows when weighing coverage', () => {
    // update-page-markdown's "insert_content" is a rarer word than post-page's "Create".
    expect(best('create a new page in Notion for meeting notes')).toEqual(['notion/API-post-page']);
    // "coffee" and "shops" are in no tool; "find" and "near" decide.
    expect(best('find coffee shops near me')).toEqual(['brave-search/brave_local_search']);
  });

  it('knows common verbs and nouns by their synonyms and their derived forms', () => {
    expect(best('undo my last commit but keep the changes')).toEqual(['git/git_reset']);
    expect(best('react with a thumbs up to that Discord message')).toEqual(['discord/discord_add_reaction']);
    expect(best('silence alerts for the db host during maintenance tonight')).toEqual(['datadog/mute_host']);
  });
});

describe('rankTools and the grammar of a task', () => {
  it('takes a past participle as a description, not as the action asked', () => {
    // "last modified" asks for a file's metadata; taking "modified" as "modify" would pick edit_file.
    expect(top('when was a file last modified')).toEqual(['filesystem/get_file_info']);
  });

  it('gives a stem its family’s other form, so created/creation meet create and modified meets modify', () => {
    expect([stemAlternate('created'), stemAlternate('creation'), stemAlternate('modified'), stemAlternate('files')]).toEqual(['create', 'create', 'modify', undefined]);
    expect([stem('reaction'), stem('connections')]).toEqual(['react', 'connect']);
  });
});
