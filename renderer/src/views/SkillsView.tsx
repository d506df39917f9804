// Skills: the list of skills in the graph and one skill's detail.
import { useQuery } from '../hooks';

export function SkillsView(props: { selected?: string; navigate: (to: string) => void }) {
  const list = useQuery('skills.list', { sort: 'updated' }, ['skills.changed', 'graph.changed']);
  return (
    <section aria-labelledby="skills-title" className="view">
      <h1 id="skills-title">Skills</h1>
      {list.error && <p className="error">{list.error}</p>}
      {list.data && list.data.skills.length === 0 && (
        <p className="empty">No skills yet. Run a script in the Console and press “Save as skill”, or let an agent save one through the gateway.</p>
      )}
      <ul>
        {list.data?.skills.map((s) => (
          <li key={s.id}>
            <a href={`#/skills/${encodeURIComponent(s.name)}`}>{s.name}</a> — {s.description}
          </li>
        ))}
      </ul>
      {props.selected && <p>Selected: {props.selected}</p>}
    </section>
  );
}
