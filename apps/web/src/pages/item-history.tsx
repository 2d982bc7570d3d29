import { CONFIG_TYPES, type AuditRecordDto, type ConfigType } from '@envmgr/api-contract';
import { ConfirmButton } from '../components/confirm.js';
import { Problem } from '../components/problem.js';
import { collect, useLoad } from '../components/use-load.js';
import { useClient, useSession } from '../session/session.js';
import { diffOf } from './diff.js';

/** Every change of one configuration item with its before/after difference, and revert to an earlier version. */
export function ItemHistoryPage({ type, itemKey }: { type: string; itemKey: string }) {
  const client = useClient();
  const { can } = useSession();
  const configType = CONFIG_TYPES.find((t) => t === type);
  const history = useLoad(async () => (configType ? collect(client.historyAll(configType, itemKey)) : []), [client, configType, itemKey]);
  if (!configType) return <Problem error={new TypeError(`'${type}' is not a configuration type; use one of ${CONFIG_TYPES.join(', ')}`)} />;
  const records = history.data ?? [];
  const current = records[0];
  const mayRevert = can('POST', `/config/${configType}/${itemKey}/revert`);
  return (
    <>
      <h1>
        History of {configType}/{itemKey}
      </h1>
      <Problem error={history.error} />
      {history.data && records.length === 0 && <p>No recorded changes.</p>}
      <ol className="history">
        {records.map((r) => (
          <li key={r.seq}>
            <HistoryEntry
              record={r}
              type={configType}
              itemKey={itemKey}
              current={current}
              mayRevert={mayRevert}
              onReverted={history.reload}
              revert={(toVersion, expectedVersion) => client.revert(configType, itemKey, { toVersion, expectedVersion })}
            />
          </li>
        ))}
      </ol>
    </>
  );
}

/** One audit record: who changed what, the difference, and (for an earlier version) a revert to it. */
export function HistoryEntry(props: {
  record: AuditRecordDto;
  type: ConfigType;
  itemKey: string;
  current: AuditRecordDto | undefined;
  mayRevert: boolean;
  onReverted: () => void;
  revert: (toVersion: number, expectedVersion: number) => Promise<unknown>;
}) {
  const { record: r, current } = props;
  const changes = diffOf(r.before, r.after);
  // a version other than the current one, which existed (a deletion leaves nothing to go back to)
  const canGoBack = props.mayRevert && current !== undefined && r.seq !== current.seq && r.after !== null && current.after !== null;
  return (
    <article aria-label={`version ${r.version}`}>
      <h2>
        Version {r.version}: {r.changeType} by {r.actor}, {new Date(r.at).toLocaleString()}
      </h2>
      {changes.length === 0 ? (
        <p>No field changed.</p>
      ) : (
        <table className="diff">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.path}>
                <th scope="row">
                  <code>{c.path}</code>
                </th>
                <td className="before">{c.before ?? '—'}</td>
                <td className="after">{c.after ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canGoBack && current && (
        <ConfirmButton
          label={`Revert to version ${r.version}`}
          question={`Write a new version of ${props.type}/${props.itemKey} equal to version ${r.version}? The current version is ${current.version}.`}
          confirmLabel="Revert"
          onConfirm={async () => {
            await props.revert(r.version, current.version);
            props.onReverted();
          }}
        />
      )}
    </article>
  );
}
