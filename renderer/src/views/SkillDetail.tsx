// One skill: its description and usage (sanitized Markdown), highlighted code, properties, journal history
// and schema pins, with the curation actions: edit, rename, approve, reject, delete, open in Logseq, run.
import { useState, type FormEvent } from 'react';
import type { SkillDetail as SkillDetailData } from '../../../shared/contract';
import { CodeEditor } from '../components/CodeEditor';
import { ErrorNote } from '../components/ErrorNote';
import { FormDialog } from '../components/FormDialog';
import { Markdown } from '../components/Markdown';
import { ModalDialog } from '../components/ModalDialog';
import { RunSkillDialog } from '../components/RunSkillDialog';
import { StatusBadge } from '../components/StatusBadge';
import { useClient, useQuery } from '../hooks';
import { consoleSession } from './consoleSession';

interface Props {
  name: string;
  editing: boolean;
  navigate: (to: string) => void;
  onDeleted: (name: string, recycledPath: string) => void;
}

export function SkillDetail(props: Props) {
  const client = useClient();
  const detail = useQuery('skills.get', { name: props.name }, ['skills.changed', 'graph.changed']);
  const [editing, setEditing] = useState(props.editing);
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  const [running, setRunning] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const act = async (what: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await action();
      detail.reload();
    } catch (err) {
      setActionError(`${what} failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  if (detail.error) {
    return (
      <article className="skill-detail" aria-label={`Skill ${props.name}`}>
        <h2>{props.name}</h2>
        <ErrorNote error={detail.error} />
        <a href="#/skills">Back to all skills</a>
      </article>
    );
  }
  if (!detail.data) return <article className="skill-detail empty">Loading {props.name}…</article>;
  const { skill } = detail.data;

  return (
    <article className="skill-detail" aria-labelledby="skill-title">
      <header className="detail-header">
        <h2 id="skill-title">{skill.name}</h2>
        <StatusBadge status={skill.status} />
        <span className="lang">{skill.language}</span>
      </header>
      <div className="toolbar" role="toolbar" aria-label="Skill actions">
        <button className="primary" onClick={() => setRunning(true)}>
          Run
        </button>
        <button
          onClick={() => {
            // The Console keeps the person's work: replacing unsaved code there needs a yes.
            const current = consoleSession.getState().code.trim();
            if (current && current !== skill.code.trim() && !window.confirm(`Replace the code in the Console with the code of ${skill.name}? What is there now is not saved.`)) return;
            consoleSession.openSkill(skill);
            props.navigate('console');
          }}
        >
          Open in Console
        </button>
        <button onClick={() => setEditing(!editing)} aria-pressed={editing}>
          Edit
        </button>
        <button onClick={() => setDialog('rename')}>Rename</button>
        {skill.status !== 'approved' && (
          <button className="primary" disabled={busy} onClick={() => act('Approving', () => client.call('skills.setStatus', { name: skill.name, status: 'approved' }))}>
            Approve
          </button>
        )}
        {skill.status !== 'archived' && (
          <button disabled={busy} onClick={() => act('Rejecting', () => client.call('skills.setStatus', { name: skill.name, status: 'archived' }))}>
            Reject
          </button>
        )}
        <a className="button" href={detail.data.logseqUrl}>
          Open in Logseq
        </a>
        <button className="danger" onClick={() => setDialog('delete')}>
          Delete
        </button>
      </div>
      <ErrorNote error={actionError} />
      {skill.warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings">
          {skill.warnings.map((w) => (
            <li key={w} className="warn">
              {w}
            </li>
          ))}
        </ul>
      )}
      {editing ? (
        <SkillEditor
          detail={detail.data}
          onDone={() => {
            setEditing(false);
            detail.reload();
          }}
        />
      ) : (
        <SkillReadOnly detail={detail.data} />
      )}
      {running && <RunSkillDialog skill={skill} onClose={() => setRunning(false)} />}
      {dialog === 'rename' && (
        <RenameDialog
          name={skill.name}
          onClose={() => setDialog(null)}
          onRenamed={(newName) => {
            setDialog(null);
            props.navigate(`skills/${encodeURIComponent(newName)}`);
          }}
        />
      )}
      {dialog === 'delete' && (
        <ModalDialog title={`Delete ${skill.name}?`} onClose={() => setDialog(null)}>
          <p>The page moves to logseq/.recycle in your graph; you can undo right after.</p>
          <div className="dialog-actions">
            <button onClick={() => setDialog(null)}>Cancel</button>
            <button
              className="danger"
              onClick={async () => {
                try {
                  const { recycledPath } = await client.call('skills.delete', { name: skill.name });
                  setDialog(null);
                  props.onDeleted(skill.name, recycledPath);
                } catch (err) {
                  setDialog(null);
                  setActionError(`Deleting failed: ${(err as Error).message}`);
                }
              }}
            >
              Delete
            </button>
          </div>
        </ModalDialog>
      )}
    </article>
  );
}

function sourceText(source: { kind: string; name?: string }): string {
  return source.name ? `${source.kind} ${source.name}` : source.kind;
}

function SkillReadOnly({ detail }: { detail: SkillDetailData }) {
  const { skill } = detail;
  return (
    <>
      <section aria-label="Description">
        {skill.description ? <Markdown source={skill.description} /> : <p className="empty">No description.</p>}
      </section>
      <dl className="properties" aria-label="Properties">
        <dt>Page</dt>
        <dd>{skill.path}</dd>
        <dt>Tags</dt>
        <dd>{skill.tags.join(', ') || '—'}</dd>
        <dt>Source</dt>
        <dd className={skill.source.kind === 'agent' ? 'agent' : ''}>{sourceText(skill.source)}</dd>
        <dt>Servers</dt>
        <dd>{skill.servers.join(', ') || '—'}</dd>
        {skill.created && (
          <>
            <dt>Created</dt>
            <dd>{skill.created}</dd>
          </>
        )}
        {skill.updated && (
          <>
            <dt>Updated</dt>
            <dd>{skill.updated}</dd>
          </>
        )}
        {skill.run && (
          <>
            <dt>From run</dt>
            <dd>{skill.run}</dd>
          </>
        )}
      </dl>
      <MarkdownSection id="usage-title" title="Usage" source={skill.usage} />
      <section aria-labelledby="code-title">
        <h3 id="code-title">Code</h3>
        <CodeEditor value={skill.code} language={skill.language} label="Skill code" readOnly />
      </section>
      <MarkdownSection id="example-title" title="Example" source={skill.example} />
      <section aria-labelledby="pins-title">
        <h3 id="pins-title">Pinned tool schemas</h3>
        {detail.pins.length === 0 ? (
          <p className="empty">This skill is not pinned to any tool schema.</p>
        ) : (
          <table className="pins">
            <thead>
              <tr>
                <th>Tool</th>
                <th>Pinned</th>
                <th>Now</th>
              </tr>
            </thead>
            <tbody>
              {detail.pins.map((pin) => (
                <tr key={pin.tool} className={pin.changed ? 'changed' : ''}>
                  <td>{pin.tool}</td>
                  <td>
                    <code>{pin.pinned.slice(0, 12)}</code>
                  </td>
                  <td>{pin.current === undefined ? <span className="warn">tool not found</span> : pin.changed ? <span className="warn">changed ({pin.current.slice(0, 12)})</span> : 'unchanged'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="history-title">
        <h3 id="history-title">History</h3>
        {detail.history.length === 0 ? (
          <p className="empty">No journal entries mention this skill.</p>
        ) : (
          <ol className="history">
            {detail.history.map((entry, i) => (
              <li key={i}>
                <a href={`#/page/${entry.journalPath}`}>{entry.date}</a> <strong>{entry.action}</strong> by{' '}
                <span className={entry.actor.kind === 'agent' ? 'agent' : ''}>{sourceText(entry.actor)}</span>
                {entry.run && <span className="muted"> · run {entry.run}</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

function SkillEditor(props: { detail: SkillDetailData; onDone: () => void }) {
  const client = useClient();
  const { skill } = props.detail;
  const [description, setDescription] = useState(skill.description);
  const [tags, setTags] = useState(skill.tags.join(', '));
  const [code, setCode] = useState(skill.code);
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    try {
      await client.call('skills.update', {
        name: skill.name,
        description,
        code,
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      });
      props.onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="skill-editor" onSubmit={save} aria-label="Edit skill">
      <label>
        Description
        <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        Tags
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="comma, separated" />
      </label>
      <div className="label">Code</div>
      <CodeEditor value={code} language={skill.language} label="Code" onChange={setCode} />
      <ErrorNote error={error} what="Saving failed" />
      <div className="dialog-actions">
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}

function RenameDialog(props: { name: string; onClose: () => void; onRenamed: (newName: string) => void }) {
  const client = useClient();
  const [newName, setNewName] = useState(props.name);
  const submit = async () => {
    const skill = await client.call('skills.rename', { name: props.name, newName: newName.trim() });
    props.onRenamed(skill.name);
  };
  return (
    <FormDialog title={`Rename ${props.name}`} submitLabel="Rename" onClose={props.onClose} onSubmit={submit}>
      <label>
        New name
        <input autoFocus value={newName} onChange={(e) => setNewName(e.target.value)} />
      </label>
    </FormDialog>
  );
}

/** A titled part of the skill's page written in Markdown (usage, example); nothing when the skill has none. */
function MarkdownSection(props: { id: string; title: string; source: string | undefined }) {
  if (!props.source) return null;
  return (
    <section aria-labelledby={props.id}>
      <h3 id={props.id}>{props.title}</h3>
      <Markdown source={props.source} />
    </section>
  );
}
