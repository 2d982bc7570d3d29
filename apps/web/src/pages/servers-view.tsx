import { memo, useDeferredValue, useState, type CSSProperties, type FormEvent } from 'react';
import type { EnvironmentServersDto, ServerGroupDto } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { useClient, useSession } from '../session/session.js';

export function Health({ status }: { status: string }) {
  return <span className={`health health-${status}`}>{status}</span>;
}

/**
 * Rows rendered in the first pass: more than a screenful, so the page shows at once. The rest follow in a background
 * render (React yields to the browser while it builds them), so an environment with thousands of instances does not
 * hold up the first paint. Every row ends up in the DOM: find in page, screen readers and Tab reach all of them.
 */
export const FIRST_PASS_ROWS = 100;

/**
 * Groups, their instances and the services on each (version, slice, health); resizing a group and putting an
 * instance in maintenance where the user may. `maintenance` holds the ids of instances in maintenance.
 */
export function ServersView({ servers, maintenance, onChanged }: { servers: EnvironmentServersDto; maintenance?: ReadonlySet<string>; onChanged?: () => void }) {
  // the first render gets FIRST_PASS_ROWS, then React renders the rest with a lower priority
  const limit = useDeferredValue(Number.POSITIVE_INFINITY, FIRST_PASS_ROWS);
  if (servers.groups.length === 0) return <p>No server groups.</p>;
  const total = servers.groups.reduce((n, g) => n + g.instances.length, 0);
  let budget = limit;
  const shown: { group: ServerGroupDto; rows: number }[] = [];
  for (const group of servers.groups) {
    if (budget <= 0) break;
    const rows = Math.min(budget, group.instances.length);
    shown.push({ group, rows });
    budget -= Math.max(rows, 1);
  }
  return (
    <div className="servers-view" aria-busy={limit < total}>
      {shown.map(({ group, rows }) => (
        <GroupTable key={group.name} group={group} rows={rows} maintenance={maintenance} onChanged={onChanged} />
      ))}
    </div>
  );
}

/**
 * The group's height before it is laid out: off-screen groups are skipped by the browser (`content-visibility:
 * auto` in styles.css) and take this space meanwhile, so the scroll bar is about right. One line per service.
 */
function estimatedSize(g: ServerGroupDto, rows: number): CSSProperties {
  let lines = 3;
  for (let i = 0; i < rows; i++) lines += Math.max(1, (g.instances[i]?.services.length ?? 0) + (g.instances[i]?.differences.length ?? 0)) + 0.5;
  return { containIntrinsicSize: `auto ${(lines * 1.45).toFixed(1)}em` };
}

interface GroupTableProps {
  group: ServerGroupDto;
  /** How many of its instances to show (all but in the first pass). */
  rows: number;
  maintenance: ReadonlySet<string> | undefined;
  onChanged: (() => void) | undefined;
}

// memo: the background pass leaves the groups already shown alone
const GroupTable = memo(function GroupTable({ group: g, rows, maintenance, onChanged }: GroupTableProps) {
  const client = useClient();
  const { can } = useSession();
  const [error, setError] = useState<unknown>();
  const mayMaintain = maintenance !== undefined && g.instances.length > 0 && can('PUT', `/instances/${g.instances[0]?.id ?? ''}/maintenance`);
  const toggle = async (id: string, enable: boolean) => {
    setError(undefined);
    try {
      await client.setInstanceMaintenance(id, enable);
      onChanged?.();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="group" style={estimatedSize(g, rows)}>
      <table className="servers">
        <caption>
          Group <strong>{g.name}</strong> · role {g.role ?? '—'} · size {g.size.min}/{g.size.desired}/{g.size.max} · {g.converged ? 'converged' : 'not converged'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">State</th>
            <th scope="col">Address</th>
            <th scope="col">Services (version, slice, health)</th>
            {mayMaintain && <th scope="col">Maintenance</th>}
          </tr>
        </thead>
        <tbody>
          {g.instances.slice(0, rows).map((i) => {
            const inMaintenance = maintenance?.has(i.id) ?? false;
            return (
              <tr key={i.id}>
                <th scope="row">{i.name || i.id}</th>
                <td>
                  {i.state}
                  {i.lifecycle && ` · ${i.lifecycle}`}
                  {i.health && ` · ${i.health}`}
                  {inMaintenance && ' · in maintenance'}
                </td>
                <td>{i.address ?? '—'}</td>
                <td>
                  {i.services.length === 0 && '—'}
                  {i.services.map((s) => (
                    <div key={s.serviceId}>
                      {s.service} {s.version ?? '?'} ({s.slice}) <Health status={s.status} />
                      {!s.matchesTarget && ' · differs from target'}
                    </div>
                  ))}
                  {i.differences.map((d) => (
                    <div key={d.message} className="hint">
                      {d.message}
                    </div>
                  ))}
                </td>
                {mayMaintain && (
                  <td>
                    <button type="button" aria-label={`${inMaintenance ? 'End' : 'Start'} maintenance of ${i.name || i.id}`} onClick={() => void toggle(i.id, !inMaintenance)}>
                      {inMaintenance ? 'End' : 'Start'}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <Problem error={error} />
      {can('PUT', `/asgs/${g.name}/size`) && <ResizeGroup group={g} onResized={onChanged} />}
    </div>
  );
});

function ResizeGroup({ group, onResized }: { group: ServerGroupDto; onResized: (() => void) | undefined }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [size, setSize] = useState({ min: String(group.size.min), desired: String(group.size.desired), max: String(group.size.max) });
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  if (!open) {
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          Resize {group.name}
        </button>
        <span role="status" aria-live="polite">
          {done && ` ${done}`}
        </span>
      </p>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await client.resizeAsg(group.name, { min: Number(size.min), desired: Number(size.desired), max: Number(size.max) });
      setDone(`${group.name} now wants ${r.size?.desired ?? size.desired} instances; it converges by itself.`);
      setOpen(false);
      onResized?.();
    } catch (err) {
      setError(err);
    }
  };
  const id = `resize-${group.name}`;
  return (
    <form className="toolbar" onSubmit={(e) => void submit(e)} aria-label={`Resize ${group.name}`}>
      {(['min', 'desired', 'max'] as const).map((k) => (
        <span key={k}>
          <label htmlFor={`${id}-${k}`}>{k === 'min' ? 'Minimum' : k === 'max' ? 'Maximum' : 'Desired'}</label>{' '}
          <input id={`${id}-${k}`} type="number" min={0} className="narrow" value={size[k]} onChange={(e) => setSize({ ...size, [k]: e.target.value })} />
        </span>
      ))}
      <button type="submit" className="primary">
        Apply size
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <Problem error={error} />
    </form>
  );
}
