import { describe, expect, it } from 'vitest';
import { UpstreamHostSchema, upstreamKey } from './upstream.js';

const dnsName = (DnsName: string) => UpstreamHostSchema.safeParse({ DnsName, Port: 40100 }).success;

describe('upstream host DnsName (§3.8)', () => {
  it.each([
    ['c50-Search-blue', 'a Consul name with dashes'],
    ['c50-search', 'a Consul name with one dash'],
    ['c50_x-y', 'a Consul name with an underscore'],
    ['search.example.com', 'a dotted name'],
    ['a-b-c-d.example.com', 'a dotted name whose first label has 3 hyphens'],
    ['a--b.example.com', 'inner hyphens next to each other'],
    ['10.0.0.1', 'an IPv4 address'],
  ])('accepts %s (%s)', (name) => expect(dnsName(name)).toBe(true));

  it.each([
    ['search', 'no dot and no dash'],
    ['c50_search', 'no dot and only an underscore'],
    ['-c50.example.com', 'a leading hyphen in the first label'],
    ['c50-.example.com', 'a trailing hyphen in the first label'],
    ['a-b-c-d-e.example.com', '4 hyphens in the first label'],
    ['search..example.com', 'an empty label'],
    ['c50 search', 'a space'],
    ['', 'nothing'],
  ])('rejects %j (%s)', (name) => expect(dnsName(name)).toBe(false));
});

describe('upstreamKey', () => {
  it('builds the key EM uses', () => expect(upstreamKey('c50', 'c50-search')).toBe('/c50_c50-search/config'));
});
