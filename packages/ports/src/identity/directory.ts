/** A person the directory recognised, with the names of the directory groups they belong to. */
export interface DirectoryUser {
  /** The directory's name for the user (an LDAP distinguished name). */
  dn: string;
  displayName?: string;
  email?: string;
  /**
   * Names (`cn`) of the directory groups the user is a member of, directly or through groups that contain groups
   * (to a depth the adapter fixes). Each name at most once, in no particular order.
   */
  groups: string[];
}

/**
 * An outside identity source (LDAP, Active Directory) that checks passwords EM does not keep. Optional: when none is
 * configured, only local users can sign in.
 *
 * Invariants every adapter keeps:
 * - an empty password never authenticates (an LDAP simple bind with an empty password is an anonymous bind that
 *   "succeeds"), and neither does an empty user name;
 * - the user name is data, never syntax: characters special to the directory's names or filters are escaped, so a
 *   name like `*` or `a)(uid=*` matches only a user literally called that;
 * - the password appears in no error message, log line or `details`.
 */
export interface Directory {
  /**
   * Checks a user name and password against the directory.
   * Returns undefined for an unknown user or a wrong password (the two are not told apart).
   * Throws DependencyUnavailableError, with the original failure as `cause`, when the directory cannot be reached,
   * times out, or answers with anything other than success or "invalid credentials".
   */
  authenticate(username: string, password: string): Promise<DirectoryUser | undefined>;
}
