/** Who is making a request. Identity and its checks arrive with the access-control work; here it names the writer. */
export interface Actor {
  /** The name recorded in audit records, e.g. a user name or `token:<id>`. */
  readonly name: string;
}
