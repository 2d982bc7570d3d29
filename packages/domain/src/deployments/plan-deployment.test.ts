import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json.js';
import type { Deployment, DeploymentRequest } from './deployment.js';
import { T0, aRequest, baseDocs, configOf, planFixture, webRole } from './fixtures.js';
import { planDeployment } from './plan-deployment.js';

function planned(over: Partial<DeploymentRequest> = {}, docs: JsonObject[] = baseDocs()): Deployment {
  const p = planFixture(over, docs);
  if (!p.ok) throw new Error(`expected a plan, got ${p.code}: ${p.message}`);
  return p.deployment;
}

const withRoles = (...roles: JsonObject[]) => baseDocs(roles);
const fleet = webRole({ FleetPerSlice: true });

describe('planDeployment: naming (SPEC §4)', () => {
  it.each<[string, Partial<DeploymentRequest>, JsonObject, { group: string; role: string; consul: string; port: number }]>([
    ['overwrite', {}, webRole(), { group: 'c50-in-Web', role: 'Web', consul: 'c50-Hello', port: 40100 }],
    ['blue on a shared fleet', { mode: 'bluegreen', slice: 'blue' }, webRole(), { group: 'c50-in-Web', role: 'Web', consul: 'c50-Hello-blue', port: 40101 }],
    ['green with a fleet per slice', { mode: 'bg', slice: 'green' }, fleet, { group: 'c50-in-Web-green', role: 'Web-green', consul: 'c50-Hello-green', port: 40100 }],
    ['mode and slice in any case', { mode: 'BG', slice: 'Blue' }, fleet, { group: 'c50-in-Web-blue', role: 'Web-blue', consul: 'c50-Hello-blue', port: 40101 }],
  ])('%s', (_name, over, role, want) => {
    const { plan } = planned(over, withRoles(role));
    expect({ group: plan.group.name, role: plan.runtimeServerRole, consul: plan.consulServiceName, port: plan.port }).toEqual(want);
    expect(plan.group.tags.Role).toBe(want.role);
  });

  it("uses the configuration's spelling of names given in another case", () => {
    const { plan } = planned({ environment: 'C50', service: 'hello', serverRole: 'WEB' });
    expect([plan.environment, plan.service, plan.serverRole, plan.group.name]).toEqual(['c50', 'Hello', 'Web', 'c50-in-Web']);
  });
});

describe('planDeployment: the group (SPEC §3.6, §4, §5)', () => {
  it('builds tags, size and launch settings from the server role and its cluster', () => {
    expect(planned().plan.group).toEqual({
      name: 'c50-in-Web',
      tags: {
        EnvironmentType: 'Cluster',
        Environment: 'c50',
        OwningCluster: 'Infra',
        OwningClusterShortName: 'IN',
        OwningTeam: 'Infra',
        Role: 'Web',
        SecurityZone: 'Other',
        Schedule: '',
        ContactEmail: 'infra@example.com',
      },
      size: { min: 1, desired: 2, max: 4 },
      launch: {
        image: 'Ubuntu-22.04.1',
        instanceType: 't3.medium',
        subnetType: 'PrivateApp',
        securityZone: 'Other',
        instanceProfile: 'roleInfraWeb',
        volumes: [
          { device: '/dev/sda1', sizeGb: 50, type: 'ssd', encrypted: false },
          { device: '/dev/sda2', sizeGb: 10, type: 'standard', encrypted: true },
        ],
        keyPair: 'infra-key',
      },
      instanceNamePrefix: 'c50-in',
    });
  });

  it('defaults what a minimal server role leaves out', () => {
    const minimal: JsonObject = { ServerRoleName: 'Web', OwningCluster: 'Infra', ContactEmailTag: 'a@b.c', AMI: 'ami-0abc', Services: [{ ServiceName: 'Hello' }] };
    const { group } = planned({}, withRoles(minimal)).plan;
    expect(group.size).toEqual({ min: 1, desired: 1, max: 1 });
    expect(group.launch).toMatchObject({ image: 'ami-0abc', instanceType: 't3.small', subnetType: 'PrivateApp', securityZone: 'Other' });
  });

  it('takes the explicit settings of the role', () => {
    const role = webRole({
      SecurityZone: 'Secure',
      SubnetTypeName: 'PrivateSecure',
      ScheduleTag: 'on 8-18',
      InstanceProfileName: 'profileWeb',
      ClusterKeyName: 'web-key',
      SecurityGroups: ['sgA', 'sgB'],
      Volumes: [{ Name: 'OS', Size: 80, Type: 'Disk' }, { Name: 'Data', Size: 0, Type: 'SSD' }],
    });
    const { group, securityZone } = planned({}, withRoles(role)).plan;
    expect(securityZone).toBe('Secure');
    expect(group.tags).toMatchObject({ SecurityZone: 'Secure', Schedule: 'on 8-18' });
    expect(group.launch).toMatchObject({
      subnetType: 'PrivateSecure',
      instanceProfile: 'profileWeb',
      keyPair: 'web-key',
      securityGroups: ['sgA', 'sgB'],
      volumes: [{ device: '/dev/sda1', sizeGb: 80, type: 'standard', encrypted: false }],
    });
  });
});

describe('planDeployment: server role resolution (SPEC §5)', () => {
  const api = webRole({ ServerRoleName: 'Api' });
  it.each<[string, JsonObject[], string | undefined, string]>([
    ['the only role listing the service', [webRole(), webRole({ ServerRoleName: 'Db', Services: [] })], undefined, 'Web'],
    ['a given role, ignoring case', [webRole()], 'wEB', 'Web'],
    ['a given role among several', [webRole(), api], 'Api', 'Api'],
  ])('picks %s', (_name, roles, serverRole, want) => {
    expect(planned(serverRole ? { serverRole } : {}, withRoles(...roles)).plan.serverRole).toBe(want);
  });
});

describe('planDeployment: refusals, in SPEC §5 order', () => {
  const noMap: JsonObject = { EnvironmentName: 'c50', Value: { EnvironmentType: 'Cluster', OwningCluster: 'Infra' } };
  const docsWith = (replace: (d: JsonObject) => JsonObject | undefined, docs = baseDocs()) => docs.map((d) => replace(d) ?? d);
  const withoutCluster = baseDocs().filter((d) => d.ClusterName === undefined);
  it.each<[string, Partial<DeploymentRequest>, JsonObject[], string, string, RegExp]>([
    ['a version that is not semver', { version: 'latest' }, baseDocs(), 'invalid-version', 'invalid', /'latest' is not a semantic version/],
    ['a version over 100 characters', { version: `1.0.0-${'a'.repeat(95)}` }, baseDocs(), 'invalid-version', 'invalid', /at most 100/],
    ['overwrite with a slice (before any lookup)', { slice: 'blue', environment: 'nope' }, baseDocs(), 'slice-not-allowed', 'invalid', /slice none, not 'blue'/],
    ['an unknown mode', { mode: 'canary', slice: 'blue' }, baseDocs(), 'unknown-mode', 'invalid', /mode 'canary'/],
    ['blue/green without a slice', { mode: 'bluegreen' }, baseDocs(), 'slice-required', 'invalid', /blue or green, not 'none'/],
    ['blue/green with an unknown slice', { mode: 'bg', slice: 'red' }, baseDocs(), 'slice-required', 'invalid', /not 'red'/],
    ['an unknown environment', { environment: 'nope' }, baseDocs(), 'unknown-environment', 'not-found', /environment 'nope' does not exist/],
    ['an unknown service', { service: 'Nope' }, baseDocs(), 'unknown-service', 'not-found', /service 'Nope' does not exist/],
    ['an environment without a map', {}, docsWith((d) => (d.EnvironmentName ? noMap : undefined)), 'no-deployment-map', 'unprocessable', /has no deployment map/],
    ['a missing map', {}, baseDocs().filter((d) => !d.DeploymentMapName), 'no-deployment-map', 'unprocessable', /map 'Std' does not exist/],
    ['no role listing the service', {}, withRoles(webRole({ Services: [] })), 'unknown-server-role', 'unprocessable', /no server role of deployment map 'Std' runs service 'Hello'/],
    ['a given role not listing it', { serverRole: 'Db' }, withRoles(webRole(), webRole({ ServerRoleName: 'Db', Services: [] })), 'unknown-server-role', 'unprocessable', /'Db' .* does not run service 'Hello': the roles that list it are Web/],
    ['several roles listing it', {}, withRoles(webRole(), webRole({ ServerRoleName: 'Api' })), 'ambiguous-server-role', 'unprocessable', /runs on 2 server roles .* \(Web, Api\); say which with serverRole/],
    ['overwrite to a fleet per slice', {}, withRoles(fleet), 'fleet-per-slice-needs-slice', 'invalid', /fleet per slice/],
    ['a missing owning cluster', {}, withoutCluster, 'server-role-misconfigured', 'unprocessable', /cluster 'Infra' does not exist/],
    ['no contact email', {}, withRoles(webRole({ ContactEmailTag: '' })), 'server-role-misconfigured', 'unprocessable', /no ContactEmailTag/],
    ['a Secure role on open subnets', {}, withRoles(webRole({ SecurityZone: 'Secure' })), 'server-role-misconfigured', 'unprocessable', /subnet type 'PrivateApp' .* is not Secure/],
  ])('refuses %s', (_name, over, docs, code, kind, message) => {
    const result = planDeployment(aRequest(over), configOf(docs), T0, 'd1');
    expect(result).toMatchObject({ ok: false, code, kind });
    expect(result.ok ? '' : result.message).toMatch(message);
  });

  it('names the candidates in the details of an ambiguous role', () => {
    const result = planDeployment(aRequest(), configOf(withRoles(webRole(), webRole({ ServerRoleName: 'Api' }))), T0, 'd1');
    expect(result).toMatchObject({ details: { service: 'Hello', deploymentMap: 'Std', candidates: ['Web', 'Api'] } });
  });
});

describe('planDeployment: the record', () => {
  it('starts requested, with the request, the package and the keys to write', () => {
    const d = planned({ requestedBy: 'alice', serverRole: 'Web' });
    expect(d).toMatchObject({ schemaVersion: 1, id: 'd1', state: 'requested', requestedAtMs: T0, updatedAtMs: T0, nodes: {}, issued: {} });
    expect(d.request).toEqual({ environment: 'c50', service: 'Hello', version: '1.2.0', mode: 'overwrite', slice: 'none', serverRole: 'Web', requestedBy: 'alice' });
    expect(d.plan).toMatchObject({ accountNumber: '123456789012', packageBucket: 'pkgs', installationTimeoutMin: 20, package: { service: 'Hello', version: '1.2.0' } });
    expect(d.plan.targetState.map((w) => w.key)).toEqual([
      'environments/c50/services/Hello/1.2.0/definition',
      'environments/c50/services/Hello/1.2.0/installation',
      'deployments/d1/service',
      'deployments/d1/overall_status',
      'environments/c50/roles/Web/services/Hello/none',
    ]);
    expect(d.log).toEqual(['[2025-01-01T00:00:00.000Z] requested by alice: Hello 1.2.0 to c50 (overwrite, slice none) on server role Web, group c50-in-Web']);
  });

  it("uses the environment's own package and the configured installation timeout", () => {
    const result = planDeployment(aRequest(), configOf(baseDocs(), { packageEnvironment: 'c50', installationTimeoutMin: 5 }), T0, 'd1');
    const install = result.ok ? result.deployment.plan.targetState[1]?.value : undefined;
    expect(install).toBe('{"PackageBucket":"pkgs","PackageKey":"PACKAGES/Hello/1.2.0/c50/Hello-1.2.0-c50.zip","InstallationTimeout":5}');
  });
});
