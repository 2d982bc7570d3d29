/** The time, as a port, so that tests control it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Unique ids (request ids, deployment ids). */
export interface IdSource {
  next(): string;
}

/** SHA-256 of a text as lower-case hex; the audit chain is built and checked with it. */
export interface Hasher {
  sha256(text: string): string;
}
