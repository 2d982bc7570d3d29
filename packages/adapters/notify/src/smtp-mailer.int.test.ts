import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from './smtp-mailer.js';

describe('SMTP mailer (smtp-server on loopback)', () => {
  const mailbox: { from: string; to: string[]; raw: string }[] = [];
  let server: SMTPServer;
  let port: number;
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, cb) {
        if (address.address.endsWith('@refused.example.com')) return cb(Object.assign(new Error('no such user'), { responseCode: 550 }));
        cb();
      },
      onData(stream, session, cb) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          mailbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

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
