// A real MCP server (stdio) standing in for Slack, for the seed's control-flow scenario (3.2): a #deploys channel where
// a rollout is announced and `get_channel_history` is polled until "Deployment complete" appears. Each poll stands for
// the seed's 30-second wait (the channel's clock moves 30 s per call, so nobody sleeps), and the completion message
// lands on the SLACK_DONE_AT-th poll (default 20, the seed's max_checks). Answers have the shape of Slack's
// conversations.history, as the reference Slack MCP server returns it (JSON text of the whole response).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const DONE_AT = Number(process.env.SLACK_DONE_AT || 20);
const TEAM = 'T024BE7LD';
const CHANNELS = [
  { id: 'C123456', name: 'deploys', topic: 'Production rollouts and their status', num_members: 42 },
  { id: 'C234567', name: 'eng-billing', topic: 'Billing team', num_members: 17 },
  { id: 'C345678', name: 'incidents', topic: 'Open incidents, one thread each', num_members: 88 },
];
const PEOPLE = [
  ['U01ABCD2EF', 'Priya'],
  ['U02BCDE3FG', 'Marco'],
  ['U03CDEF4GH', 'Lena'],
  ['U04DEFG5HI', 'Tomás'],
];
const CHATTER = [
  'Canary metrics look normal so far, p95 is flat.',
  'Reminder: the billing freeze lifted this morning, rollouts are open again.',
  'Is anyone else seeing slow CI on the monorepo? Builds take about 14 minutes today.',
  'Dashboards for billing-api are here if you want to follow along: grafana/d/billing-api',
  'Support reports no customer tickets about invoices in the last hour.',
  'I will hold the search-indexer deploy until this one is through.',
  'Database migrations for 2.4.1 ran in staging yesterday without locks.',
  'Heads up: the on-call handover is at 14:00 UTC.',
];

const START = Date.UTC(2025, 2, 6, 13, 0, 0) / 1000;
let polls = 0;
let sequence = 0;
const history = [];

function ts(seconds) {
  sequence++;
  return `${(START + seconds).toFixed(0)}.${String(100 + sequence).padStart(6, '0')}`;
}

function userMessage(seconds, [user], text, extra = {}) {
  const id = sequence + 1;
  return {
    user,
    type: 'message',
    ts: ts(seconds),
    client_msg_id: `5e${String(id).padStart(6, '0')}-4c1b-4d2e-9f3a-${String(id * 7919).padStart(12, '0')}`,
    text,
    team: TEAM,
    blocks: [{ type: 'rich_text', block_id: `b${id.toString(36)}`, elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }],
    ...extra,
  };
}

function botMessage(seconds, text) {
  return {
    type: 'message',
    subtype: 'bot_message',
    text,
    ts: ts(seconds),
    username: 'deploybot',
    bot_id: 'B05DEPLOY1',
    app_id: 'A05DEPLOY9',
    blocks: [{ type: 'section', block_id: `d${sequence.toString(36)}`, text: { type: 'mrkdwn', text, verbatim: false } }],
  };
}

// The channel before the first poll: the rollout was announced and people reacted.
history.push(
  userMessage(-600, PEOPLE[1], 'Starting the billing-api 2.4.1 rollout to production now, watch this channel.', { reactions: [{ name: 'eyes', users: [PEOPLE[0][0], PEOPLE[2][0]], count: 2 }] }),
  botMessage(-590, ':rocket: *billing-api 2.4.1* rollout to *production* started by <@U02BCDE3FG> (20 pods, batches of 2).'),
  ...Array.from({ length: 8 }, (_, i) => (i % 3 === 2 ? userMessage(-560 + i * 60, PEOPLE[i % PEOPLE.length], CHATTER[i % CHATTER.length]) : botMessage(-560 + i * 60, `billing-api 2.4.1 → production: warming up batch ${i + 1}, health checks pending.`))),
);

/** One poll = 30 seconds later in the channel: the rollout reports progress, people talk, and at the end it completes. */
function advance() {
  polls++;
  const at = polls * 30;
  const pods = Math.min(20, Math.round((polls / DONE_AT) * 20));
  if (polls >= DONE_AT) {
    history.push(botMessage(at, `:white_check_mark: Deployment complete: *billing-api 2.4.1* is live in *production* (20/20 pods healthy, error rate 0.01%, ${Math.round(at / 60)} min).`));
    return;
  }
  history.push(botMessage(at, `billing-api 2.4.1 → production: ${pods}/20 pods updated, error rate 0.0${1 + (polls % 4)}%, p95 ${180 + ((polls * 17) % 40)} ms.`));
  if (polls % 2 === 0) history.push(userMessage(at + 5, PEOPLE[polls % PEOPLE.length], CHATTER[polls % CHATTER.length]));
}

const server = new McpServer({ name: 'slack', version: '1.0.0' });

server.registerTool(
  'list_channels',
  {
    description: 'List public channels in the workspace with their topics and member counts.',
    inputSchema: { limit: z.number().int().positive().max(200).default(100).describe('Maximum number of channels to return') },
    annotations: { readOnlyHint: true },
  },
  async ({ limit }) => ({ content: [{ type: 'text', text: JSON.stringify({ ok: true, channels: CHANNELS.slice(0, limit), response_metadata: { next_cursor: '' } }) }] }),
);

server.registerTool(
  'get_channel_history',
  {
    description: 'Get recent messages from a channel, newest first.',
    inputSchema: { channel: z.string().describe('The ID of the channel'), limit: z.number().int().positive().max(100).default(10).describe('Number of messages to retrieve') },
    annotations: { readOnlyHint: true },
  },
  async ({ channel, limit }) => {
    if (channel !== CHANNELS[0].id) return { content: [{ type: 'text', text: JSON.stringify({ ok: true, messages: [], has_more: false }) }] };
    advance();
    const messages = history.slice(-limit).reverse();
    const next = Buffer.from(`next_ts:${messages.at(-1)?.ts ?? ''}`).toString('base64');
    return { content: [{ type: 'text', text: JSON.stringify({ ok: true, messages, has_more: history.length > limit, pin_count: 2, channel_actions_ts: null, channel_actions_count: 0, response_metadata: { next_cursor: next } }) }] };
  },
);

server.registerTool(
  'post_message',
  {
    description: 'Post a new message to a channel.',
    inputSchema: { channel: z.string().describe('The ID of the channel to post to'), text: z.string().describe('The message text to post') },
    annotations: { readOnlyHint: false },
  },
  async ({ channel, text }) => {
    const message = { ...userMessage(polls * 30 + 1, ['U0SKILLGR1'], text), bot_id: 'B0SKILLGR1' };
    if (channel === CHANNELS[0].id) history.push(message);
    return { content: [{ type: 'text', text: JSON.stringify({ ok: true, channel, ts: message.ts, message }) }] };
  },
);

await server.connect(new StdioServerTransport());
