import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, createClient, type EnvMgrClient, type FetchLike, type WhoAmI } from '@envmgr/api-contract';
import { canWrite, type WriteMethod } from './permissions.js';

export type SessionState = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; who: WhoAmI };

export interface Session {
  client: EnvMgrClient;
  state: SessionState;
  /** Signs in with a password (local or LDAP): the server sets an HttpOnly session cookie. */
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Whether the signed-in user may make this write (see canWrite: the server still decides). */
  can: (method: WriteMethod, resource: string) => boolean;
}

const SessionContext = createContext<Session | undefined>(undefined);

/**
 * The client for this page's origin: the session cookie travels with every same-origin request. `fetch` defaults to
 * the global one; main.tsx passes the one that hands out the page's early requests (early-requests.ts).
 */
export function browserClient(fetch?: FetchLike): EnvMgrClient {
  return createClient({ baseUrl: window.location.origin, fetch });
}

export function SessionProvider({ client, children }: { client: EnvMgrClient; children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const refresh = useCallback(async () => {
    try {
      setState({ status: 'signed-in', who: await client.whoami() });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setState({ status: 'signed-out' });
      else throw err;
    }
  }, [client]);
  useEffect(() => {
    refresh().catch(() => setState({ status: 'signed-out' }));
  }, [refresh]);
  const session = useMemo<Session>(
    () => ({
      client,
      state,
      async signIn(username, password) {
        await client.login(username, password);
        await refresh();
      },
      async signOut() {
        await client.logout();
        setState({ status: 'signed-out' });
      },
      can: (method, resource) => state.status === 'signed-in' && canWrite(state.who, method, resource),
    }),
    [client, state, refresh],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new TypeError('useSession is used outside a SessionProvider');
  return s;
}

/** The API client of the session. */
export function useClient(): EnvMgrClient {
  return useSession().client;
}
