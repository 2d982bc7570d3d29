export { createLdapDirectory, type LdapDirectoryOptions, type DnTemplateLookup, type SearchLookup } from './ldap-directory.js';
export { escapeDnValue, escapeFilterValue } from './ldap-escape.js';
