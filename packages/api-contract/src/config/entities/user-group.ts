import { z } from 'zod';
import { closed, email, hint, name, str } from './fields.js';

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@\\-]{0,127}$/;

/**
 * A person who signs in to EM. Key: UserName. Their permissions are the permission sets named after them and after
 * each of their groups (§9). Passwords are never part of this item: they are set through the user password route
 * and stored apart, hashed.
 */
export const UserSchema = closed({
  UserName: str('must start with a letter or digit, then letters, digits, . _ @ \\ or -, at most 128 characters', { max: 128, pattern: USER_NAME }),
  Value: closed({
    DisplayName: str('free text', { max: 255 }).optional(),
    Email: email().optional(),
    Groups: z.array(name(), hint('a list of at most 200 group names')).max(200, hint('a list of at most 200 group names')).optional().meta({ description: 'EM groups the user belongs to' }),
    Source: z.enum(['local', 'ldap'], hint('local or ldap')).optional().meta({ description: 'local: password kept by EM; ldap: the directory checks the password. @default local' }),
    Disabled: z.boolean(hint('true or false')).optional().meta({ description: 'a disabled user cannot sign in; their API tokens stop working' }),
  }),
}).meta({ id: 'User', description: 'A person who signs in to EM (§9).' });
export type User = z.infer<typeof UserSchema>;

/** A set of users. Key: GroupName. LDAP groups listed in LdapGroups map onto it when their members sign in. */
export const GroupSchema = closed({
  GroupName: name(),
  Value: closed({
    Description: str('free text', { max: 4096 }).optional(),
    LdapGroups: z.array(str('an LDAP group cn', { max: 255 }), hint('a list of at most 100 LDAP group names')).max(100, hint('a list of at most 100 LDAP group names')).optional().meta({ description: 'LDAP group names (cn) whose members belong to this group' }),
  }),
}).meta({ id: 'Group', description: 'A set of users; permission sets named after it apply to its members (§9).' });
export type Group = z.infer<typeof GroupSchema>;
