// The first-start page: what Skillgraph is in three steps, each with where to do it, and what is set up already
// (servers, skills). Shown on a first start (the graph was just created) and from the Welcome link.
import { plural } from '../components/humanize';
import { useQuery } from '../hooks';

export function WelcomeView() {
  const status = useQuery('app.status', {}, ['servers.state', 'skills.changed']);
  const s = status.data;
  return (
    <section aria-labelledby="welcome-title" className="view welcome-view">
      <h1 id="welcome-title">Welcome to Skillgraph</h1>
      <p>
        Your MCP servers become code APIs that sandboxed scripts call; scripts that work become <strong>skills</strong>, saved as pages of your Logseq graph
        {s && (
          <>
            {' '}
            (<code>{s.graphDir}</code>)
          </>
        )}
        .
      </p>
      <ol className="welcome-steps" aria-label="Getting started">
        <li>
          <h2>Add an MCP server</h2>
          <p>
            {s && s.servers.total > 0
              ? `${plural(s.servers.total, 'server')} configured, ${s.servers.ready} ready.`
              : 'None yet: start with a ready example (files in a folder, memory, the demo server) or import your Claude Desktop, Cursor or VS Code config.'}
          </p>
          <a href="#/servers">Open Servers</a>
        </li>
        <li>
          <h2>Write a script in the Console</h2>
          <p>Import a tool of a server as a function, run it in the sandbox, see its output and tool calls.</p>
          <a href="#/console">Open the Console</a>
        </li>
        <li>
          <h2>Save what works as a skill</h2>
          <p>{s ? `${plural(s.index.skills, 'skill')} in the graph so far. ` : ''}Agents reach them through the gateway (`skillgraph mcp`); theirs arrive as drafts for you to approve in the Journal.</p>
          <a href="#/skills">Open Skills</a>
        </li>
      </ol>
      <p className="muted">
        The page <a href={`#/name/${encodeURIComponent('Welcome to Skillgraph')}`}>Welcome to Skillgraph</a> in your graph says the same, for Logseq.
      </p>
    </section>
  );
}
