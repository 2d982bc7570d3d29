/** `NotificationSettings.Value` (SPEC §3.10): who hears about an environment or cluster. */
export interface NotificationTargets {
  NotificationEmail?: string[] | undefined;
  ChatChannel?: string[] | undefined;
  Paging?: string[] | undefined;
  Ticketing?: string | undefined;
}

/** What the owners of an event are worked out from, looked up beforehand. */
export interface OwnershipFacts {
  /** The environment's `AlertSettings`: EnvironmentOwner | ServiceOwner | ContactEmailTag | Custom. */
  alertSettings?: string | undefined;
  /** The notification settings the environment names itself. */
  environmentSettings?: NotificationTargets | undefined;
  /** The notification settings of the environment's owning cluster. */
  clusterSettings?: NotificationTargets | undefined;
  /** The owning cluster's `GroupEmailAddress`. */
  clusterGroupEmail?: string | undefined;
  /** The notification settings of the service's owning cluster (ServiceOwner). */
  serviceClusterSettings?: NotificationTargets | undefined;
  /** The server role's `ContactEmailTag` (ContactEmailTag). */
  contactEmail?: string | undefined;
}

const emails = (t: NotificationTargets | undefined) => t?.NotificationEmail ?? [];

/**
 * The email addresses that own an event, by the environment's AlertSettings (SPEC §3.3): the owning cluster's
 * notification settings (else its group address) for EnvironmentOwner, the service's cluster for ServiceOwner, the
 * server role's contact for ContactEmailTag, the environment's own settings for Custom. Without AlertSettings, the
 * environment's settings when it names some, else the cluster's. Each falls back to the environment owner.
 */
export function ownerEmails(f: OwnershipFacts): string[] {
  const environmentOwner = () => (emails(f.clusterSettings).length > 0 ? emails(f.clusterSettings) : f.clusterGroupEmail ? [f.clusterGroupEmail] : []);
  let chosen: string[];
  switch (f.alertSettings) {
    case 'EnvironmentOwner':
      chosen = environmentOwner();
      break;
    case 'ServiceOwner':
      chosen = emails(f.serviceClusterSettings);
      break;
    case 'ContactEmailTag':
      chosen = f.contactEmail ? [f.contactEmail] : [];
      break;
    case 'Custom':
      chosen = emails(f.environmentSettings);
      break;
    default:
      chosen = emails(f.environmentSettings).length > 0 ? emails(f.environmentSettings) : environmentOwner();
  }
  if (chosen.length === 0) chosen = environmentOwner();
  return [...new Set(chosen.map((e) => e.trim()).filter((e) => e !== ''))];
}
