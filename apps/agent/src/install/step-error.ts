import { DomainError } from '@envmgr/domain';

/** A stage of an install failed; the message says why, `outputLines` are the first lines of the hook's output. */
export class InstallStepError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'install-step-failed';
  constructor(
    message: string,
    readonly outputLines: string[] = [],
  ) {
    super(message, { outputLines });
  }
}

/** The message of anything thrown, for logs and failure reasons. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
