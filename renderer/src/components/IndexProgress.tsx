// Shows the first index of a large graph as it happens (index.progress events), and nothing once it is done.
import { useEffect, useState } from 'react';
import { useClient } from '../hooks';

export function IndexProgress() {
  const client = useClient();
  const [progress, setProgress] = useState<{ indexed: number; total: number } | null>(null);
  useEffect(() => client.on('index.progress', (p) => setProgress(p.done ? null : p)), [client]);
  if (!progress) return null;
  return (
    <div className="progress-line" role="status">
      Indexing the graph: {progress.indexed.toLocaleString()} of {progress.total.toLocaleString()} pages
      <progress max={progress.total} value={progress.indexed} />
    </div>
  );
}
