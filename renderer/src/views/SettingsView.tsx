// Settings: approval before agent runs call writing tools, the PII filter on gateway output, the network domains the
// sandbox may reach, and the sandbox backend. Each control shows the value on disk and saves as soon as it changes.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { MethodInput, SettingsView as Settings } from '../../../shared/contract';
import { ErrorNote } from '../components/ErrorNote';
import { announceSettingsChanged } from '../components/settingsSignal';
import { useClient, useQuery } from '../hooks';

type SettingsPatch = MethodInput<'settings.update'>;

/** A host name, optionally with a leading `*.` for its subdomains (what the sandbox's network filter understands). */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function domainProblem(domain: string, existing: readonly string[]): string | undefined {
  if (!domain) return 'Type a domain such as api.github.com.';
  if (/^[a-z]+:\/\//.test(domain) || domain.includes('/')) return `“${domain}” is an address; type only the host name, e.g. api.github.com.`;
  if (!DOMAIN.test(domain)) return `“${domain}” is not a domain name: use letters, digits, dots and hyphens, optionally starting with *.`;
  if (existing.includes(domain)) return `${domain} is already allowed.`;
  return undefined;
}

export function SettingsView() {
  const client = useClient();
  const settings = useQuery('settings.get', {});
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  // The change shows at once; the values read back from the engine replace it when they arrive.
  const [optimistic, setOptimistic] = useState<SettingsPatch>({});
  useEffect(() => setOptimistic({}), [settings.data]);

  const save = async (patch: SettingsPatch, what: string) => {
    setOptimistic(patch);
    setSaving(true);
    setError(undefined);
    setSaved(undefined);
    try {
      await client.call('settings.update', patch);
      setSaved(`${what}: saved.`);
      announceSettingsChanged();
    } catch (err) {
      setError((err as Error).message);
      setOptimistic({});
    } finally {
      setSaving(false);
      settings.reload();
    }
  };

  const s = settings.data && { ...settings.data, ...optimistic };
  return (
    <section aria-labelledby="settings-title" className="view settings-view">
      <h1 id="settings-title">Settings</h1>
      <ErrorNote error={settings.error} what="Loading settings" />
      <ErrorNote error={error} what="Saving" />
      <p className="muted save-status" role="status">
        {saving ? 'Saving…' : saved}
      </p>
      {s && (
        <div className="stack">
          <Approvals settings={s} saving={saving} save={save} />
          <AllowedDomains settings={s} saving={saving} save={save} />
          <Backend settings={s} saving={saving} save={save} />
        </div>
      )}
    </section>
  );
}

interface SectionProps {
  settings: Settings;
  saving: boolean;
  save: (patch: SettingsPatch, what: string) => Promise<void>;
}

/** One on/off setting with its help line; `said` is what the status line says after switching it on, and off. */
function SettingCheckbox(
  props: SectionProps & { setting: 'requireApproval' | 'piiFilter'; label: string; said: [on: string, off: string]; helpId: string; children: ReactNode },
) {
  return (
    <>
      <label className="check">
        <input
          type="checkbox"
          checked={props.settings[props.setting]}
          disabled={props.saving}
          onChange={(e) => void props.save({ [props.setting]: e.target.checked }, e.target.checked ? props.said[0] : props.said[1])}
          aria-describedby={props.helpId}
        />
        {props.label}
      </label>
      <p id={props.helpId} className="muted hint">
        {props.children}
      </p>
    </>
  );
}

function Approvals({ settings, saving, save }: SectionProps) {
  return (
    <section aria-labelledby="settings-agents" className="settings-section">
      <h2 id="settings-agents">Agent runs</h2>
      <p className="muted">These apply to code that agents run through the Skillgraph MCP server (the gateway).</p>
      <SettingCheckbox
        setting="requireApproval"
        label="Require approval before a run calls a writing tool"
        said={['Approval required', 'Approval no longer required']}
        helpId="require-approval-help"
        {...{ settings, saving, save }}
      >
        A tool is writing unless its server marks it read-only. The run waits until you choose Allow or Deny in the banner at the top.
        {settings.writeTools.length > 0 && ` Also treated as writing: ${settings.writeTools.join(', ')}.`}
      </SettingCheckbox>
      <SettingCheckbox setting="piiFilter" label="Filter personal data out of gateway output" said={['PII filter on', 'PII filter off']} helpId="pii-help" {...{ settings, saving, save }}>
        Emails, phone numbers and similar values in what a run prints are replaced by placeholders before the agent sees them; tool calls get the real values back.
      </SettingCheckbox>
    </section>
  );
}

function AllowedDomains({ settings, saving, save }: SectionProps) {
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string>();
  const domains = settings.allowedDomains;

  const add = (event: FormEvent) => {
    event.preventDefault();
    const domain = draft.trim().toLowerCase();
    const issue = domainProblem(domain, domains);
    setProblem(issue);
    if (issue) return;
    setDraft('');
    void save({ allowedDomains: [...domains, domain] }, `${domain} allowed`);
  };

  return (
    <section aria-labelledby="settings-network" className="settings-section">
      <h2 id="settings-network">Network</h2>
      <p className="muted">
        Code in the sandbox reaches only these domains; everything else is blocked. MCP servers are not affected. Changes apply to the app's next run at
        once; a gateway (`skillgraph mcp`) started earlier picks them up when it restarts.
      </p>
      {domains.length === 0 ? (
        <p className="empty">No domains allowed: sandboxed code has no network access.</p>
      ) : (
        <ul className="domain-list" aria-label="Allowed domains">
          {domains.map((domain) => (
            <li key={domain}>
              <code>{domain}</code>
              <button
                className="link danger"
                disabled={saving}
                aria-label={`Remove ${domain}`}
                onClick={() => void save({ allowedDomains: domains.filter((d) => d !== domain) }, `${domain} removed`)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="domain-add" onSubmit={add}>
        <label>
          Allow a domain
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="api.github.com or *.example.com"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'domain-problem' : undefined}
          />
        </label>
        <button type="submit" disabled={saving}>
          Add
        </button>
      </form>
      {problem && (
        <p id="domain-problem" className="error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}

function Backend({ settings, saving, save }: SectionProps) {
  const choose = (backend: Settings['backend']) => void save({ backend }, `Sandbox backend ${backend}`);
  return (
    <section aria-labelledby="settings-sandbox" className="settings-section">
      <h2 id="settings-sandbox">Sandbox</h2>
      <p className="muted">The backend chosen here is used by the app's next run; a gateway started earlier uses it after it restarts.</p>
      <fieldset className="backend-choice" disabled={saving}>
        <legend>Backend</legend>
        <label>
          <input type="radio" name="backend" value="local" checked={settings.backend === 'local'} onChange={() => choose('local')} />
          Local (this computer, with filesystem and network limits)
        </label>
        <label>
          <input type="radio" name="backend" value="e2b" checked={settings.backend === 'e2b'} onChange={() => choose('e2b')} />
          E2B (cloud sandbox)
        </label>
      </fieldset>
      <p className={`hint ${settings.backend === 'e2b' && !settings.e2bConfigured ? 'warn' : 'muted'}`} data-testid="e2b-key-state">
        {settings.e2bConfigured
          ? `An E2B API key is configured${settings.e2bKeyEnv ? ` (read from ${settings.e2bKeyEnv} when a run starts)` : ''}.`
          : `No E2B API key is configured: ${settings.e2bKeyProblem ?? 'set E2B_API_KEY in the environment'}.`}
      </p>
      <E2BOptions settings={settings} saving={saving} save={save} />
      <label className="setting-row">
        Runs at once
        <input
          type="number"
          min={1}
          max={64}
          defaultValue={settings.parallelRuns}
          key={`parallel-${settings.parallelRuns}`}
          disabled={saving}
          data-testid="parallel-runs"
          onBlur={(e) => {
            const value = Number(e.currentTarget.value);
            if (Number.isInteger(value) && value >= 1 && value <= 64 && value !== settings.parallelRuns) void save({ parallelRuns: value }, `Runs at once ${value}`);
          }}
        />
      </label>
      <p className="muted">Further runs wait in order, on either backend. On E2B each session runs one run at a time in its own sandbox.</p>
    </section>
  );
}

/** E2B key (as a reference to an environment variable: the key itself never passes through the app), template, idle timeout. */
function E2BOptions({ settings, saving, save }: SectionProps) {
  const [keyEnv, setKeyEnv] = useState(settings.e2bKeyEnv ?? 'E2B_API_KEY');
  const [template, setTemplate] = useState(settings.e2bTemplate ?? '');
  const keyProblem = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(keyEnv) ? undefined : 'An environment variable name uses letters, digits and _.';
  return (
    <fieldset className="stack" disabled={saving}>
      <legend>E2B</legend>
      <label className="setting-row">
        Key from environment variable
        <input value={keyEnv} onChange={(e) => setKeyEnv(e.currentTarget.value)} data-testid="e2b-key-env" aria-invalid={keyProblem ? true : undefined} />
        <button type="button" disabled={Boolean(keyProblem) || keyEnv === settings.e2bKeyEnv} onClick={() => void save({ e2bKeyEnv: keyEnv }, `E2B key from \${env:${keyEnv}}`)}>
          Use
        </button>
      </label>
      {keyProblem && (
        <p className="error" role="alert">
          {keyProblem}
        </p>
      )}
      <label className="setting-row">
        Template
        <input value={template} placeholder="E2B base image" onChange={(e) => setTemplate(e.currentTarget.value)} data-testid="e2b-template" />
        <button type="button" disabled={template.trim() === (settings.e2bTemplate ?? '')} onClick={() => void save({ e2bTemplate: template.trim() }, template.trim() ? `E2B template ${template.trim()}` : 'E2B base image')}>
          Save
        </button>
      </label>
      <label className="setting-row">
        Pause a session's sandbox after (minutes idle)
        <input
          type="number"
          min={1}
          max={1440}
          defaultValue={settings.e2bIdleTimeoutMinutes}
          key={`idle-${settings.e2bIdleTimeoutMinutes}`}
          data-testid="e2b-idle-minutes"
          onBlur={(e) => {
            const value = Number(e.currentTarget.value);
            if (Number.isInteger(value) && value >= 1 && value <= 1440 && value !== settings.e2bIdleTimeoutMinutes) void save({ e2bIdleTimeoutMinutes: value }, `E2B idle timeout ${value} min`);
          }}
        />
      </label>
      <p className="muted">A session keeps one E2B sandbox; E2B pauses it when idle and the next run resumes it with the workspace as it was.</p>
    </fieldset>
  );
}
