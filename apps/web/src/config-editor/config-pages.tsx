import { CONFIG_TYPES, type ConfigType } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { collect, useLoad } from '../components/use-load.js';
import { Link, pathOf } from '../router.js';
import { useClient, useSession } from '../session/session.js';
import { emptyItem, ENTITY_INFO } from './entity-info.js';
import { dataOf, ItemEditor } from './item-editor.js';

export function isConfigType(t: string): t is ConfigType {
  return (CONFIG_TYPES as readonly string[]).includes(t);
}

/** Every configuration type, each linking to its items. */
export function ConfigIndexPage() {
  return (
    <>
      <h1>Configuration</h1>
      <p>Every item EM is configured with. Each form is checked by the same schema as the API, and each change is audited.</p>
      <ul className="link-list">
        {CONFIG_TYPES.map((t) => (
          <li key={t}>
            <Link to={pathOf('config', t)}>{ENTITY_INFO[t].plural}</Link> <code className="hint">{t}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The items of one type, by key. */
export function ConfigListPage({ type }: { type: string }) {
  const client = useClient();
  const { can } = useSession();
  const known = isConfigType(type);
  const items = useLoad(async () => (known ? collect(client.listAll(type)) : []), [client, type]);
  if (!known) return <UnknownType type={type} />;
  const info = ENTITY_INFO[type];
  return (
    <>
      <h1>{info.plural}</h1>
      <p>
        <Link to="/config">All configuration</Link>
        {can('POST', `/config/${type}`) && (
          <>
            {' · '}
            <Link className="button primary" to={pathOf('config', 'new', type)}>
              New {info.label.toLowerCase()}
            </Link>
          </>
        )}
      </p>
      <Problem error={items.error} />
      {items.data && items.data.length === 0 && <p>None yet.</p>}
      {items.data && items.data.length > 0 && (
        <table>
          <caption className="visually-hidden">{info.plural}</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Version</th>
              <th scope="col">History</th>
            </tr>
          </thead>
          <tbody>
            {items.data.map((item) => {
              const key = info.keyOf(item) ?? '?';
              return (
                <tr key={key}>
                  <th scope="row">
                    <Link to={pathOf('config', type, key)}>{key}</Link>
                  </th>
                  <td>{item.Version}</td>
                  <td>
                    <Link to={pathOf('audit', type, key)} aria-label={`History of ${key}`}>
                      history
                    </Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** A new item of one type. */
export function NewItemPage({ type }: { type: string }) {
  if (!isConfigType(type)) return <UnknownType type={type} />;
  const info = ENTITY_INFO[type];
  return (
    <>
      <h1>New {info.label.toLowerCase()}</h1>
      <p>
        <Link to={pathOf('config', type)}>{info.plural}</Link>
      </p>
      <ItemEditor key={type} type={type} initial={{ item: emptyItem(type), version: undefined }} />
    </>
  );
}

/** One item: its form or JSON, save, delete and its history. */
export function ItemPage({ type, itemKey }: { type: string; itemKey: string }) {
  const client = useClient();
  const known = isConfigType(type);
  const item = useLoad(async () => (known ? client.get(type, itemKey) : undefined), [client, type, itemKey]);
  if (!known) return <UnknownType type={type} />;
  const info = ENTITY_INFO[type];
  return (
    <>
      <h1>
        {info.label} {itemKey}
      </h1>
      <p>
        <Link to={pathOf('config', type)}>{info.plural}</Link> · <Link to={pathOf('audit', type, itemKey)}>History</Link>
      </p>
      <Problem error={item.error} />
      {item.data && <ItemEditor key={`${type}/${itemKey}`} type={type} initial={{ item: dataOf(item.data.item), version: item.data.version }} />}
    </>
  );
}

function UnknownType({ type }: { type: string }) {
  return (
    <>
      <h1>Unknown configuration type</h1>
      <p>
        There is no configuration type <code>{type}</code>. See <Link to="/config">all configuration</Link>.
      </p>
    </>
  );
}
