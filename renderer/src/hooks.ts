// React glue over the SkillgraphClient: the client context, a data-loading hook that refetches on events,
// and a tiny hash router.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { EventName, MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import type { SkillgraphClient } from './client/client';

export const ClientContext = createContext<SkillgraphClient | null>(null);

export function useClient(): SkillgraphClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('ClientContext is missing');
  return client;
}

export interface Query<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Calls a method, and calls it again whenever one of `refreshOn` events arrives (debounced). */
export function useQuery<M extends MethodName>(method: M, input: MethodInput<M>, refreshOn: EventName[] = []): Query<MethodOutput<M>> {
  const client = useClient();
  const [data, setData] = useState<MethodOutput<M>>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const key = JSON.stringify(input);
  const seq = useRef(0);

  const load = useCallback(() => {
    const mine = ++seq.current;
    setLoading(true);
    client.call(method, JSON.parse(key)).then(
      (result) => {
        if (mine !== seq.current) return;
        setData(result);
        setError(undefined);
        setLoading(false);
      },
      (err: Error) => {
        if (mine !== seq.current) return;
        setError(err.message);
        setLoading(false);
      },
    );
  }, [client, method, key]);

  useEffect(load, [load]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offs = refreshOn.map((event) =>
      client.on(event, () => {
        clearTimeout(timer);
        timer = setTimeout(load, 150);
      }),
    );
    return () => {
      clearTimeout(timer);
      offs.forEach((off) => off());
    };
  }, [client, load, refreshOn.join(',')]);

  return { data, error, loading, reload: load };
}

/** The location after `#/`, split into segments: `#/skills/foo` -> ['skills', 'foo']. */
export function useRoute(): [string[], (to: string) => void] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((to: string) => {
    window.location.hash = to.startsWith('#') ? to : `#/${to.replace(/^\//, '')}`;
  }, []);
  return [route, navigate];
}
