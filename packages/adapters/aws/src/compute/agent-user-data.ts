import type { Tags } from '@envmgr/ports';

/** Where the instances' agents reach EM, and how they get the agent. */
export interface AgentBootstrap {
  /** The registry's Consul HTTP API as instances reach it, e.g. `http://consul.internal:8500`. */
  registryUrl: string;
  /** EM's API as instances reach it (packages, log uploads), e.g. `https://envmgr.internal`. */
  serverUrl: string;
  /**
   * Shell commands that install the agent so that `envmgr-agent` is on the PATH.
   * @default none: the image ships the agent (EM's images are built with it)
   */
  installCommand?: string;
  /**
   * The SSM parameter (SecureString) holding the agents' API token, read at boot with the instance profile. The token
   * itself never goes in user data, which anyone allowed `ec2:DescribeInstanceAttribute` can read.
   * @default none: the agent runs without a token
   */
  tokenParameter?: string;
}

/** Single-quotes a value for sh. */
const q = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** A value for systemd's EnvironmentFile: double-quoted, backslash and quote escaped, one line. */
const envValue = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;

/** Tag names become parts of variable names; anything but letters, digits and `_` is dropped. */
const envName = (tag: string): string => `EM_TAG_${tag.replace(/[^A-Za-z0-9_]/g, '')}`;

/**
 * The user data of a group's instances (SPEC §4, §6): a shell script that names the instance `<prefix>-<id>`, writes
 * the agent's environment (its identity, the group's tags as `EM_TAG_*`, the registry and EM addresses), installs the
 * agent when asked, and starts it as a systemd service that restarts on failure.
 */
export function renderAgentUserData(p: { bootstrap: AgentBootstrap; tags: Tags; namePrefix: string }): string {
  const b = p.bootstrap;
  const tagLines = Object.entries(p.tags).map(([k, v]) => `${envName(k)}=${envValue(v)}`);
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    'imds() { curl -sf -H "X-aws-ec2-metadata-token: $(curl -sf -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token)" "http://169.254.169.254/latest/meta-data/$1"; }',
    'ID=$(imds instance-id)',
    'ADDRESS=$(imds local-ipv4)',
    `if command -v aws >/dev/null; then aws ec2 create-tags --resources "$ID" --tags "Key=Name,Value=${p.namePrefix.replace(/[^A-Za-z0-9._-]/g, '')}-\${ID#i-}" || true; fi`,
    ...(b.installCommand ? [b.installCommand] : []),
    'mkdir -p /etc/envmgr /var/lib/envmgr-agent',
    'umask 077',
    // a quoted here-document: the shell expands nothing in the values
    "cat > /etc/envmgr/agent.env <<'ENV'",
    'EM_INSTANCE_DIR=/var/lib/envmgr-agent',
    'ENVMGR_AGENT_FILES_ROOT=/',
    `ENVMGR_REGISTRY_URL=${envValue(b.registryUrl)}`,
    `ENVMGR_SERVER=${envValue(b.serverUrl)}`,
    ...tagLines,
    'ENV',
    'echo "EM_INSTANCE_ID=$ID" >> /etc/envmgr/agent.env',
    'echo "EM_PRIVATE_ADDRESS=$ADDRESS" >> /etc/envmgr/agent.env',
    ...(b.tokenParameter
      ? [`echo "ENVMGR_TOKEN=$(aws ssm get-parameter --with-decryption --name ${q(b.tokenParameter)} --query Parameter.Value --output text)" >> /etc/envmgr/agent.env`]
      : []),
    'cat > /etc/systemd/system/envmgr-agent.service <<UNIT',
    '[Unit]',
    'Description=Environment Manager deployment agent',
    'After=network-online.target',
    '[Service]',
    'EnvironmentFile=/etc/envmgr/agent.env',
    'ExecStart=/usr/bin/env envmgr-agent',
    'Restart=always',
    'RestartSec=5',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    'systemctl enable --now envmgr-agent',
    '',
  ].join('\n');
}
