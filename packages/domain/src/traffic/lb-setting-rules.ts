/**
 * The checks of an LB setting at write time (issue 7, "bad input gets a clear error"): everything the nginx rendering
 * would refuse about it (an invalid directive value, a ProxyPass that names no upstream) and a server name another
 * virtual host of its environment already serves on the same address. Found at the write, with the field path, so a
 * setting nginx cannot take is never stored, and `envmgr edge` never meets it. Pure.
 */
import type { FieldProblem } from '../errors.js';
import { stringAt, type JsonObject } from '../json.js';
import { renderNginxConfig, serverNameKeys } from './nginx-config.js';

export interface LbSettingPeers {
  /** Every upstream, as it will be after the write. */
  upstreams: readonly JsonObject[];
  /** The other LB settings of the same environment, as they will be after the write. */
  lbSettings: readonly JsonObject[];
}

/** Problems of `lbSetting` (an `{EnvironmentName, VHostName, Value}` document) among its peers. */
export function lbSettingProblems(lbSetting: JsonObject, peers: LbSettingPeers): FieldProblem[] {
  const env = stringAt(lbSetting, 'EnvironmentName') ?? '';
  const vhost = stringAt(lbSetting, 'VHostName') ?? '';
  const self = `lb-settings ${env}/${vhost}`;
  const others = peers.lbSettings.filter((s) => stringAt(s, 'EnvironmentName') !== env || stringAt(s, 'VHostName') !== vhost);
  // rendered alone: its own values and ProxyPass targets; clashes with the others are checked below
  const render = renderNginxConfig({ group: `of environment ${env}`, lbSettings: [lbSetting], upstreams: peers.upstreams }, { registryDomain: '' });
  const problems = render.ok ? [] : render.problems.filter((p) => p.item === self).map((p) => ({ path: p.path, message: p.message }));
  const taken = new Map<string, string>();
  for (const o of others) for (const k of serverNameKeys(o)) taken.set(k.key, `lb-settings ${stringAt(o, 'EnvironmentName') ?? ''}/${stringAt(o, 'VHostName') ?? ''}`);
  for (const { key, path, name, listen } of serverNameKeys(lbSetting)) {
    const other = taken.get(key);
    if (other !== undefined) problems.push({ path, message: `${name === '' ? 'no server name' : `'${name}'`} on ${listen} is already served by ${other}; give this virtual host another server name or address` });
  }
  return problems;
}
