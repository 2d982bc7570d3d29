import { describe, expect, it } from 'vitest';
import { escapeDnValue, escapeFilterValue, fillTemplate } from './ldap-escape.js';

describe('escapeDnValue (RFC 4514)', () => {
  it.each([
    ['alice', 'alice'],
    ['a,b', 'a\\,b'],
    ['a+b=c', 'a\\+b\\=c'],
    ['"q";<x>', '\\"q\\"\\;\\<x\\>'],
    ['back\\slash', 'back\\\\slash'],
    ['#lead', '\\#lead'],
    ['mid#dle', 'mid#dle'],
    [' both ', '\\ both\\ '],
    ['a\0b', 'a\\00b'],
    ['*)(', '*)('],
    ['jürgen', 'jürgen'],
  ])('%j → %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });
});

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['a)(uid=*', 'a\\29\\28uid=\\2a'],
    ['uid=a\\,b,dc=x', 'uid=a\\5c,b,dc=x'],
    ['a\0', 'a\\00'],
    ['jürgen', 'jürgen'],
  ])('%j → %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });
});

describe('fillTemplate', () => {
  it('fills in one pass, so a value that looks like a placeholder stays text', () => {
    expect(fillTemplate('(&(member={dn})(x={user}))', { dn: '{user}', user: 'bob' })).toBe('(&(member={user})(x=bob))');
  });
  it('leaves unknown placeholders', () => {
    expect(fillTemplate('{nope}={user}', { user: 'u' })).toBe('{nope}=u');
  });
});
