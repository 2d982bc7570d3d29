import { describe, expect, it } from 'vitest';
import {
  coldStandbyKey,
  nodeStatusKey,
  parseTargetState,
  roleServiceKey,
  rolePrefix,
  serviceDefinitionKey,
  serviceInstallationKey,
  traceIdOf,
} from './target-state.js';
import { packageRefOf, parseServiceDefinition, parseServiceInstallation, portPairCandidates, slicePort } from './service-metadata.js';

const where = { environment: 'c50', role: 'Web' };
const key = (svc: string, slice: string) => `environments/c50/roles/Web/services/${svc}/${slice}`;
const value = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ Name: 'Hello', Version: '1.0.0', Slice: 'none', DeploymentId: 'd1', InstanceIds: [], Action: 'Install', ...over });

describe('target state keys', () => {
  it.each([
    [rolePrefix('c50', 'Web'), 'environments/c50/roles/Web/'],
    [roleServiceKey('c50', 'Web-blue', 'Hello', 'blue'), 'environments/c50/roles/Web-blue/services/Hello/blue'],
    [serviceDefinitionKey('c50', 'Hello', '1.0.0'), 'environments/c50/services/Hello/1.0.0/definition'],
    [serviceInstallationKey('c50', 'Hello', '1.0.0'), 'environments/c50/services/Hello/1.0.0/installation'],
    [nodeStatusKey('d1', 'i-0abc'), 'deployments/d1/nodes/i-0abc'],
    [coldStandbyKey('i-0abc'), 'nodes/i-0abc/cold-standby'],
  ])('%s', (actual, expected) => expect(actual).toBe(expected));
});

describe('parseTargetState', () => {
  it('parses entries in key order, defaulting Action to Install and reading actions case-insensitively', () => {
    const { targets, problems } = parseTargetState(
      [
        { key: key('Zed', 'none'), value: value({ Name: 'Zed', DeploymentId: 'd2', Action: undefined }) },
        { key: key('Hello', 'blue'), value: value({ Slice: 'blue', Action: 'ignore', InstanceIds: ['i-1'] }) },
      ],
      where,
    );
    expect(problems).toEqual([]);
    expect(targets).toEqual([
      { key: key('Hello', 'blue'), service: 'Hello', version: '1.0.0', slice: 'blue', deploymentId: 'd1', instanceIds: ['i-1'], action: 'Ignore' },
      { key: key('Zed', 'none'), service: 'Zed', version: '1.0.0', slice: 'none', deploymentId: 'd2', instanceIds: [], action: 'Install' },
    ]);
  });

  it('ignores keys outside the role or not shaped services/<svc>/<slice>', () => {
    const { targets, problems } = parseTargetState(
      [
        { key: 'environments/c50/roles/Web-blue/services/Hello/none', value: value() },
        { key: 'environments/c50/roles/Web/services/Hello', value: value() },
        { key: 'environments/c50/roles/Web/other/Hello/none', value: value() },
        { key: 'environments/c50/roles/Web/services/Hello/none/extra', value: value() },
      ],
      where,
    );
    expect(targets).toEqual([]);
    expect(problems).toEqual([]);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['not an object', '[1]', /not a JSON object/],
    ['no Name', value({ Name: '' }), /Name: must be the service name/],
    ['Name differs from the key', value({ Name: 'Other' }), /'Other' does not match the service 'Hello'/],
    ['no Version', value({ Version: undefined }), /Version: must be the package version/],
    ['no DeploymentId', value({ DeploymentId: 7 }), /DeploymentId: must be the deployment id/],
    ['unknown slice', value({ Slice: 'red' }), /Slice: must be one of none, blue, green/],
    ['slice differs from the key', value({ Slice: 'green' }), /'green' does not match the slice 'none'/],
    ['unknown action', value({ Action: 'Explode' }), /Action: must be one of Install, Ignore, Uninstall/],
    ['bad InstanceIds', value({ InstanceIds: 'i-1' }), /InstanceIds: must be a list/],
  ])('reports an entry with %s and keeps the others', (_name, text, message) => {
    const { targets, problems } = parseTargetState(
      [
        { key: key('Hello', 'none'), value: text },
        { key: key('Other', 'none'), value: value({ Name: 'Other' }) },
      ],
      where,
    );
    expect(targets.map((t) => t.service)).toEqual(['Other']);
    expect(problems.map((p) => `${p.path}: ${p.message}`).join('\n')).toMatch(message);
  });

  it('reads the trace context EM may add, and drops one that is not a valid traceparent', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    // the exact role value EM's domain writes (packages/domain target-state.test.ts, tracedRoleValue)
    const written = `{"Name":"Hello","Version":"1.0.0","Slice":"none","DeploymentId":"d1","InstanceIds":[],"Action":"Install","TraceParent":"${traceparent}"}`;
    const parsed = (text: string) => parseTargetState([{ key: key('Hello', 'none'), value: text }], where);
    expect(parsed(written)).toEqual({ targets: [expect.objectContaining({ deploymentId: 'd1', traceparent })], problems: [] });
    expect(traceIdOf(parsed(written).targets[0]?.traceparent)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    for (const bad of ['junk', 7, 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01']) {
      const { targets, problems } = parsed(value({ TraceParent: bad }));
      expect(problems).toEqual([]);
      expect(targets[0] && 'traceparent' in targets[0]).toBe(false);
    }
  });

  it('lists every problem of one entry', () => {
    const { problems } = parseTargetState([{ key: key('Hello', 'none'), value: '{"Slice":"red","Action":"x"}' }], where);
    expect(problems.map((p) => p.path.split('.').pop())).toEqual(['Name', 'Version', 'DeploymentId', 'Slice', 'Action']);
  });
});

describe('service metadata', () => {
  it.each([
    [undefined, { tags: [] }, 0],
    ['{"Service":{"ID":"c50-Hello","Ports":{"blue":8001,"green":8002},"Tags":["environment:c50",3]}}', { id: 'c50-Hello', ports: { blue: 8001, green: 8002 }, tags: ['environment:c50'] }, 0],
    ['{"Service":{"Ports":{"blue":0,"green":0}}}', { tags: [] }, 0],
    ['{"Service":{"Ports":{"blue":"x"}}}', { tags: [] }, 1],
    ['nope', { tags: [] }, 1],
  ])('definition %s', (text, definition, problemCount) => {
    const r = parseServiceDefinition('k', text);
    expect(r.definition).toEqual(definition);
    expect(r.problems).toHaveLength(problemCount);
  });

  it.each([
    [undefined, {}, 0],
    ['{"PackageBucket":"b","PackageKey":"PACKAGES/Hello/1.0.0/Hello-1.0.0.zip","InstallationTimeout":20}', { packageBucket: 'b', packageKey: 'PACKAGES/Hello/1.0.0/Hello-1.0.0.zip', installationTimeoutMin: 20 }, 0],
    ['{"InstallationTimeout":"5"}', { installationTimeoutMin: 5 }, 0],
    ['{"InstallationTimeout":-1}', {}, 1],
    ['[]', {}, 1],
  ])('installation %s', (text, installation, problemCount) => {
    const r = parseServiceInstallation('k', text);
    expect(r.installation).toEqual(installation);
    expect(r.problems).toHaveLength(problemCount);
  });

  it.each([
    [undefined, { service: 'Hello', version: '1.0.0' }],
    ['PACKAGES/Hello/1.0.0/Hello-1.0.0.zip', { service: 'Hello', version: '1.0.0' }],
    ['PACKAGES/Hello/1.0.0/c50/Hello-1.0.0-c50.zip', { service: 'Hello', version: '1.0.0', environment: 'c50' }],
    ['PACKAGES/Other/1.0.0/c50/Other-1.0.0-c50.zip', { service: 'Hello', version: '1.0.0' }],
  ])('package ref from key %s', (packageKey, ref) => {
    expect(packageRefOf({ service: 'Hello', version: '1.0.0' }, packageKey === undefined ? {} : { packageKey })).toEqual(ref);
  });

  it.each([
    ['none', 8001],
    ['blue', 8002],
    ['green', 8001],
  ] as const)('slice %s port', (slice, port) => expect(slicePort(slice, { blue: 8002, green: 8001 })).toBe(port));

  it('offers adjacent free pairs of the block, lowest first', () => {
    expect(portPairCandidates({ first: 100, last: 104 }, [101])).toEqual([
      { blue: 102, green: 103 },
      { blue: 103, green: 104 },
    ]);
    expect(portPairCandidates({ first: 100, last: 100 }, [])).toEqual([]);
  });
});
