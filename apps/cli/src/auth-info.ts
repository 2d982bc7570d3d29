/** Where the CLI found the token it sends. */
export type TokenSource = 'flag' | 'env' | 'file';

/** Which credentials a request carried, so a 401 can say which token was refused. */
export interface AuthInfo {
  server: string;
  /** `none`: no token was sent. `login`: a token just issued by a sign-in. */
  source: TokenSource | 'none' | 'login';
}
