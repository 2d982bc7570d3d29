import nodemailer from 'nodemailer';
import type { Mailer, MailMessage } from '@envmgr/ports';

/** SMTP server settings; the password is given by value here and comes from a secret reference in the config. */
export interface SmtpOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  /** Accept a self-signed certificate (loopback tests only). @default false */
  allowSelfSigned?: boolean;
  timeoutMs?: number;
}

/** Sends mail through an SMTP server with nodemailer; failures come back as reasons without credentials. */
export function createSmtpMailer(opts: SmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    host: opts.host,
    port: opts.port,
    secure: opts.secure,
    ...(opts.user ? { auth: { user: opts.user, pass: opts.password ?? '' } } : {}),
    connectionTimeout: opts.timeoutMs ?? 10_000,
    greetingTimeout: opts.timeoutMs ?? 10_000,
    socketTimeout: opts.timeoutMs ?? 10_000,
    tls: { rejectUnauthorized: !opts.allowSelfSigned },
  });
  return {
    async send(m: MailMessage) {
      try {
        await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, ...(m.headers ? { headers: m.headers } : {}) });
        return { ok: true };
      } catch (err) {
        const e = err as { code?: string; responseCode?: number };
        return { ok: false, error: `the mail server refused or failed: ${e.responseCode ?? e.code ?? 'unknown error'}` };
      }
    },
    async verify() {
      try {
        return await transport.verify();
      } catch {
        return false;
      }
    },
    async close() {
      transport.close();
    },
  };
}
