import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeliveryDto } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { useClient, useSession } from '../session/session.js';

const PAGE_SIZE = 50;

interface DeadLetterList {
  items: DeliveryDto[];
  /** A full page came back last, so there may be more after it. */
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  more: () => void;
  remove: (id: string) => void;
}

/** The dead letters page by page (`after` = the last id seen), oldest first, as the API lists them. */
function useDeadLetters(): DeadLetterList {
  const client = useClient();
  const [items, setItems] = useState<DeliveryDto[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const live = useRef(true);
  // the last id fetched: a redelivered row leaving the list does not move the cursor back
  const cursor = useRef<string>(undefined);
  const load = useCallback(
    async (after: string | undefined) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await client.deliveries({ state: 'dead', limit: PAGE_SIZE, ...(after ? { after } : {}) });
        if (!live.current) return;
        cursor.current = page.at(-1)?.id ?? cursor.current;
        setItems((shown) => (after ? [...shown, ...page] : page));
        setHasMore(page.length === PAGE_SIZE);
      } catch (err) {
        if (live.current) setError(err);
      } finally {
        if (live.current) setLoading(false);
      }
    },
    [client],
  );
  useEffect(() => {
    live.current = true;
    void load(undefined);
    return () => {
      live.current = false;
    };
  }, [load]);
  return {
    items,
    hasMore,
    loading,
    error,
    more: () => void load(cursor.current),
    remove: (id) => setItems((shown) => shown.filter((d) => d.id !== id)),
  };
}

/** Deliveries whose tries are used up, each with a Redeliver button that puts it back at the head of its queue. */
export function DeadLetters({ subscriptionNames }: { subscriptionNames: ReadonlyMap<string, string> }) {
  const client = useClient();
  const { can } = useSession();
  const list = useDeadLetters();
  const [done, setDone] = useState('');
  const [error, setError] = useState<unknown>();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const nameOf = (d: DeliveryDto) => subscriptionNames.get(d.subscriptionId) ?? d.subscriptionId;
  const redeliver = async (d: DeliveryDto) => {
    setError(undefined);
    setDone('');
    try {
      await client.redeliver(d.id);
      list.remove(d.id);
      setDone(`${d.eventType} (${d.eventId}) is queued again for ${nameOf(d)}.`);
      // the button pressed has gone with its row: carry on from the section
      headingRef.current?.focus();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="dead-letters">
      <h2 id="dead-letters" ref={headingRef} tabIndex={-1}>
        Dead letters
      </h2>
      <p>Deliveries that failed every try. Redelivering one puts it back at the head of its subscription&apos;s queue.</p>
      <p role="status" aria-live="polite">
        {done}
      </p>
      <Problem error={error} />
      <Problem error={list.error} />
      {!list.loading && !list.error && list.items.length === 0 && <p>No dead letters.</p>}
      {list.items.length > 0 && (
        <table>
          <caption className="visually-hidden">Dead letters</caption>
          <thead>
            <tr>
              <th scope="col">Event type</th>
              <th scope="col">Event id</th>
              <th scope="col">Subscription</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Ended</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((d) => (
              <tr key={d.id}>
                <th scope="row">{d.eventType}</th>
                <td>
                  <code>{d.eventId}</code>
                </td>
                <td>{subscriptionNames.get(d.subscriptionId) ?? <code>{d.subscriptionId}</code>}</td>
                <td className="num">{d.attempts}</td>
                <td>{d.lastError ?? ''}</td>
                <td>{d.finishedAtMs === undefined ? '' : new Date(d.finishedAtMs).toLocaleString()}</td>
                <td>
                  <button type="button" aria-label={`Redeliver ${d.eventId} to ${nameOf(d)}`} disabled={!can('POST', `/subscriptions/deliveries/${d.id}/redeliver`)} onClick={() => void redeliver(d)}>
                    Redeliver
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" disabled={list.loading} onClick={list.more}>
          More
        </button>
      )}
    </section>
  );
}
