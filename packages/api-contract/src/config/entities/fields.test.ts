import { describe, expect, it } from 'vitest';
import { duration, host, ipv4OrCidr, name, serviceName } from './fields.js';

const table: [string, () => { safeParse(v: unknown): { success: boolean } }, string[], unknown[]][] = [
  ['host', host, ['10.0.0.10', 'consul.example.com', 'consul-1'], ['10.0.0.1 ', 'a_b.example.com', '-consul', 'a'.repeat(254), 8500]],
  ['ipv4OrCidr', ipv4OrCidr, ['10.0.0.1', '10.0.0.0/8', '0.0.0.0/0'], ['256.0.0.1', '10.0.0/8', '10.0.0.0/33', '::1']],
  ['serviceName', serviceName, ['Search', 'my_svc.v2', 'a-blueprint', '9lives'], ['Search-blue', 'x-GREEN', 'x-none', '_x', 'a'.repeat(65), '']],
  ['name', name, ['Infra', 'DOMAIN\\user', 'Platform Services'], ['', ' Infra', 'Infra ', 'a\nb', 'a'.repeat(256)]],
  ['duration', duration, ['30', '30s', '500ms', '2m', '1h'], ['30 s', '1d', 's', '']],
];

describe.each(table)('%s', (_label, make, good, bad) => {
  it.each(good)('accepts %j', (v) => expect(make().safeParse(v).success).toBe(true));
  it.each(bad)('rejects %j', (v) => expect(make().safeParse(v).success).toBe(false));
});
