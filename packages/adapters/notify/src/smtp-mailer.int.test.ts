import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from './smtp-mailer.js';
import { startTestSmtpServer, type TestSmtpServer } from './testing.js';

describe('SMTP mailer (smtp-server on loopback)', () => {
  let smtp: TestSmtpServer;
  let mailbox: TestSmtpServer['mailbox'];
  let port: number;
  beforeAll(async () => {
    smtp = await startTestSmtpServer({ refuses: (address) => address.endsWith('@refused.example.com') });
    mailbox = smtp.mailbox;
    port = smtp.port;
  });
  afterAll(() => smtp.close());

  it('delivers a message to the server with its headers, and verifies the connection', async () => {
    const mailer = createSmtpMailer({ host: '127.0.0.1', port, secure: false });
    expect(await mailer.verify()).toBe(true);
    const r = await mailer.send({ from: 'em@example.com', to: ['infra@example.com'], subject: 'deployment failed', text: 'hello', headers: { 'X-EM-Event-Id': 'e1' } });
    expect(r).toEqual({ ok: true });
    expect(mailbox).toHaveLength(1);
    expect(mailbox[0]).toMatchObject({ from: 'em@example.com', to: ['infra@example.com'] });
    expect(mailbox[0]!.raw).toMatch(/^X-EM-Event-Id: e1$/im);
    expect(mailbox[0]!.raw).toContain('Subject: deployment failed');
    await mailer.close();
  });

  it('returns a refusal as a failure with the server code', async () => {
    const mailer = createSmtpMailer({ host: '127.0.0.1', port, secure: false });
    const r = await mailer.send({ from: 'em@example.com', to: ['x@refused.example.com'], subject: 's', text: 't' });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('550') });
    await mailer.close();
    const down = createSmtpMailer({ host: '127.0.0.1', port: 1, secure: false, timeoutMs: 1000 });
    expect(await down.verify()).toBe(false);
  });
});
