export * from './testing/slapd.js';
