import { AlreadyExistsError, DependencyUnavailableError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '@envmgr/domain';

const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'ServiceUnavailable', 'InternalError', 'InternalFailure']);
const REFUSED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'AuthFailure', 'InvalidClientTokenId', 'ExpiredToken', 'OptInRequired']);

interface AwsErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The AWS error code of a failed SDK call, if it is one. */
export function awsCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && '$metadata' in err ? (err as AwsErrorShape).name : undefined;
}

/**
 * Turns an EC2 or Auto Scaling failure into a domain error naming the account and what EM was doing, keeping the
 * original as `cause`. Throttling, 5xx and network failures are `unavailable` (retry later); refused permissions
 * are `forbidden`; other client errors are EC2 rejecting the request (`invalid`), with AWS's message, which names
 * the parameter and never carries a secret.
 */
export function translateAwsError(err: unknown, ctx: { account: string; doing: string }): DomainError {
  if (err instanceof DomainError) return err;
  const shape = (typeof err === 'object' && err !== null ? err : {}) as AwsErrorShape;
  const code = awsCode(err);
  const where = `in account ${ctx.account}`;
  const status = shape.$metadata?.httpStatusCode ?? 0;
  if (code === undefined || THROTTLED.has(code) || status >= 500) {
    const why = code ?? (err instanceof Error ? err.name : 'unknown error');
    return new DependencyUnavailableError(`AWS did not answer while EM was ${ctx.doing} ${where} (${why}); it is retried`, { account: ctx.account }, { cause: err });
  }
  if (REFUSED.has(code)) {
    return new ForbiddenError(`EM's role may not act while ${ctx.doing} ${where} (${code}): give roleInfraEnvironmentManagerChild the permissions 'envmgr setup iam' renders`, { account: ctx.account, reason: code }, 'account-role-refused');
  }
  if (code === 'AlreadyExists' || code.endsWith('AlreadyExistsException') || code.endsWith('.Duplicate')) {
    return new AlreadyExistsError('AWS resource', `${ctx.doing} ${where}`);
  }
  if (code.endsWith('NotFound') || code.endsWith('NotFoundException')) {
    return new NotFoundError('AWS resource', `${ctx.doing} ${where}`, { account: ctx.account, reason: code });
  }
  return new ValidationError([{ path: 'launch', message: `AWS refused ${ctx.doing} ${where} (${code}): ${shape.message ?? 'no reason given'}` }]);
}
