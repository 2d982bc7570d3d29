import { isJsonObject, ownerEmails, stringAt, valueAt, type NotificationTargets } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';

/** The notification settings `id` (SPEC §3.10) as targets; undefined when there is no such item. */
export async function settings(config: ConfigStore, id: string | undefined): Promise<NotificationTargets | undefined> {
  if (!id) return undefined;
  const item = await config.get('notification-settings', id);
  const value = item ? valueAt(item.data, 'Value') : undefined;
  if (!isJsonObject(value)) return undefined;
  const list = (k: string) => {
    const v = value[k];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
  };
  const ticketing = value['Ticketing'];
  return { NotificationEmail: list('NotificationEmail'), ChatChannel: list('ChatChannel'), Paging: list('Paging'), Ticketing: typeof ticketing === 'string' ? ticketing : undefined };
}

/**
 * The email addresses that own an event's environment, from its AlertSettings and the notification settings of the
 * environment, its owning cluster, or the service's cluster (SPEC §3.3, §3.4, §3.10). Empty without an environment.
 */
export async function ownersOf(config: ConfigStore, subject: Record<string, string>): Promise<string[]> {
  const envName = subject['environment'];
  const env = envName ? await config.get('environments', envName) : undefined;
  if (!env) return [];
  const clusterName = stringAt(env.data, 'Value.OwningCluster');
  const cluster = clusterName ? await config.get('clusters', clusterName) : undefined;
  const alertSettings = stringAt(env.data, 'Value.AlertSettings');
  let serviceClusterSettings: NotificationTargets | undefined;
  if (alertSettings === 'ServiceOwner' && subject['service']) {
    const services = await config.list('services', { limit: 1000 });
    const svc = services.find((s) => stringAt(s.data, 'ServiceName')?.toLowerCase() === subject['service']?.toLowerCase());
    const svcClusterName = svc ? stringAt(svc.data, 'OwningCluster') : undefined;
    const svcCluster = svcClusterName ? await config.get('clusters', svcClusterName) : undefined;
    serviceClusterSettings = await settings(config, svcCluster ? stringAt(svcCluster.data, 'Value.NotificationSettingsId') : undefined);
  }
  return ownerEmails({
    alertSettings,
    environmentSettings: await settings(config, stringAt(env.data, 'Value.NotificationSettingsId')),
    clusterSettings: await settings(config, cluster ? stringAt(cluster.data, 'Value.NotificationSettingsId') : undefined),
    clusterGroupEmail: cluster ? stringAt(cluster.data, 'Value.GroupEmailAddress') : undefined,
    serviceClusterSettings,
  });
}
