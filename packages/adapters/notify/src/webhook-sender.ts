import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { formatSignatureHeader, isLinkLocalHost, signedPayload, SIGNATURE_HEADER } from '@envmgr/domain';
import type { WebhookPost, WebhookResult, WebhookSender } from '@envmgr/ports';

/** The HMAC-SHA256 signature header value of a body at a timestamp (also what receivers compute to verify). */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', secret).update(signedPayload(timestampSeconds, body)).digest('hex');
  return formatSignatureHeader(timestampSeconds, digest);
}

/**
 * Resolves names as usual but refuses link-local and metadata addresses: a name that resolves there is refused at
 * connection time, as the literal address is refused when the subscription is saved.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses;
    const bad = list.find((a) => isLinkLocalHost(a.address));
    if (bad) return callback(Object.assign(new Error(`${hostname} resolves to the link-local address ${bad.address}`), { code: 'EM_LINK_LOCAL' }), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    const first = list[0];
    return first ? callback(null, first.address, first.family) : callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
  });
};

/**
 * Posts signed webhooks over node:http(s), with a timeout; the receiver's body is read and dropped, never logged.
 * A post with an empty `secret` goes without `X-EM-Signature` (an owner's chat endpoint when no owner secret is set).
 */
export function createHttpWebhookSender(opts: { userAgent?: string } = {}): WebhookSender {
  return {
    post(req: WebhookPost): Promise<WebhookResult> {
      return new Promise((resolve) => {
        let url: URL;
        try {
          url = new URL(req.url);
        } catch {
          resolve({ ok: false, error: 'the URL is invalid' });
          return;
        }
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const r = send(url, {
          method: 'POST',
          lookup: guardedLookup,
          timeout: req.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(req.body),
            'user-agent': opts.userAgent ?? 'EnvironmentManager-Webhooks/1',
            ...req.headers,
            // an empty secret posts unsigned: chat incoming webhooks are authorised by their URL alone
            ...(req.secret ? { [SIGNATURE_HEADER]: signWebhook(req.secret, req.timestampSeconds, req.body) } : {}),
          },
        }, (res: IncomingMessage) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `the receiver answered HTTP ${status}` });
          });
          res.on('error', () => resolve({ ok: false, status: res.statusCode, error: 'the response was cut off' }));
        });
        r.on('timeout', () => r.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
        r.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: describe(err, req.timeoutMs) }));
        r.end(req.body);
      });
    },
  };
}

/** A short reason naming what failed; no stack, no secrets. */
function describe(err: NodeJS.ErrnoException, timeoutMs: number): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'the receiver refused the connection';
    case 'ETIMEDOUT':
      return `the receiver did not answer within ${timeoutMs} ms`;
    case 'ENOTFOUND':
      return 'the receiver host name does not resolve';
    case 'EM_LINK_LOCAL':
      return err.message;
    default:
      return err.code?.startsWith('ERR_TLS') || err.code?.includes('CERT') ? `TLS failed: ${err.code}` : `the request failed: ${err.code ?? 'unknown error'}`;
  }
}
