import { useEffect, useState } from 'react';
import { FINAL_DEPLOYMENT_STATES, type DeploymentDto, type DeploymentProgress, type FollowSource } from '@envmgr/api-contract';
import { ConfirmButton } from '../components/confirm.js';
import { Problem } from '../components/problem.js';
import { useLoad } from '../components/use-load.js';
import { Link, navigate, pathOf } from '../router.js';
import { useClient, useSession } from '../session/session.js';
import { Health } from './environment-detail.js';
import { StatusBadge } from './deployments.js';

/** One deployment, live: its state and per-instance steps follow the server-sent events until it ends. */
export function DeploymentPage({ id }: { id: string }) {
  const client = useClient();
  const { can } = useSession();
  const loaded = useLoad(() => client.deployments.get(id), [client, id]);
  const [live, setLive] = useState<{ progress: DeploymentProgress; source: FollowSource }>();
  const [ended, setEnded] = useState<DeploymentDto>();
  const [followError, setFollowError] = useState<unknown>();
  useEffect(() => {
    const stop = new AbortController();
    setLive(undefined);
    setEnded(undefined);
    client.deployments
      .follow(id, (progress, source) => setLive({ progress, source }), stop.signal)
      .then((d) => d && setEnded(d), setFollowError);
    return () => stop.abort();
  }, [client, id]);
  const d = ended ?? loaded.data;
  if (!d) return <>{<Problem error={loaded.error} />}{!loaded.error && <p>Loading…</p>}</>;
  const progress = ended ? undefined : live?.progress;
  const status = progress?.status ?? d.status;
  const nodes = progress?.nodes ?? d.nodes;
  const logOf = new Map(d.nodes.map((n) => [n.instanceId, n.log]));
  const isActive = !FINAL_DEPLOYMENT_STATES.includes(status);
  const endedAt = d.endedAt ?? (isActive ? undefined : d.updatedAt);
  return (
    <>
      <h1>
        Deployment of {d.service} {d.version} to {d.environment}
      </h1>
      <p className="live" aria-live="polite" aria-atomic="true">
        State: <StatusBadge status={status} />
        {isActive && live && <span className="hint"> · live ({live.source === 'stream' ? 'event stream' : 'polling'})</span>}
        {(progress?.reason ?? d.reason) && <span> · {progress?.reason ?? d.reason}</span>}
      </p>
      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{d.id}</code>
        </dd>
        <dt>Mode</dt>
        <dd>
          {d.mode}, slice {d.slice}, role {d.serverRole} (group {d.group})
        </dd>
        <dt>Requested</dt>
        <dd>
          {new Date(d.requestedAt).toLocaleString()}
          {d.requestedBy && ` by ${d.requestedBy}`}
        </dd>
        <dt>Duration</dt>
        <dd>{duration(d.requestedAt, endedAt)}</dd>
      </dl>
      <div className="toolbar">
        {isActive && can('PATCH', `/deployments/${d.id}`) && (
          <ConfirmButton label="Cancel deployment" danger question="Cancel this deployment? Instances keep what they have installed so far." onConfirm={async () => void (await client.deployments.cancel(d.id))} />
        )}
        {!isActive && can('POST', '/rollbacks') && (
          <ConfirmButton
            label="Roll back"
            question={`Deploy the previous successful version of ${d.service} to ${d.environment} again?`}
            onConfirm={async () => navigate(pathOf('deployments', (await client.deployments.rollback({ environment: d.environment, service: d.service, slice: d.slice })).id))}
          />
        )}
        <Link to={pathOf('environments', d.environment)}>Environment {d.environment}</Link>
      </div>
      <Problem error={followError} />
      <h2>Instances</h2>
      {nodes.length === 0 && <p>No instance has reported yet.</p>}
      {nodes.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Instance</th>
              <th scope="col">Step</th>
              <th scope="col">Last completed stage</th>
              <th scope="col">Health</th>
              <th scope="col">Log</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => {
              const log = n.log ?? logOf.get(n.instanceId);
              return (
                <tr key={n.instanceId}>
                  <th scope="row">{n.instanceId}</th>
                  <td>
                    {n.status}
                    {n.failedStage && ` (failed in ${n.failedStage}${n.errorReason ? `: ${n.errorReason}` : ''})`}
                  </td>
                  <td>{n.lastCompletedStage || '—'}</td>
                  <td>{n.health ? <Health status={n.health} /> : '—'}</td>
                  <td>{log ? <a href={log}>log of {n.instanceId}</a> : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2>Log</h2>
      <pre className="log" tabIndex={0} aria-label="Deployment log">
        {(ended ?? d).log.join('\n') || progress?.lastLog || '(empty)'}
        {!ended && progress?.lastLog && !d.log.includes(progress.lastLog) ? `\n${progress.lastLog}` : ''}
      </pre>
    </>
  );
}

function duration(from: string, to: string | undefined): string {
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  return `${s >= 60 ? `${Math.floor(s / 60)} min ` : ''}${s % 60} s${to ? '' : ' so far'}`;
}
