import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { RelayDb } from './db/schema.js';
import { labelOf, sessionLabels } from './session-titles.js';
import { redactText } from '../engine/index.js';

/**
 * Handoff notices by e-mail: when the relay has an SMTP server (--smtp-url), the recipient of a new handoff
 * who has an address gets a plain-text mail with the sender's message and the command that takes the
 * session. Sent after the handoff committed, never awaited by it: a slow or failing SMTP server is logged
 * and the handoff stands. Session text in the mail (title, message) is untrusted: control characters go,
 * secrets the DLP scanner finds are masked, and no token or link that grants anything is included.
 */
type Db = Kysely<RelayDb>;

export interface MailOptions {
  /** smtp://host:port or smtps://user:pass@host:port (nodemailer's URL form). */
  smtpUrl: string;
  /** The From address (default sessionfs@<host name>). */
  from?: string;
}

export interface HandoffNotice {
  id: string;
  session: string;
  from: string;
  fromAccount: string;
  toAccount: string;
  sourceSpace: string;
  message: string | null;
  expiresAt: Date;
}

export interface HandoffMailer {
  /** Sends the notice in the background; resolves when it was sent or given up (tests wait on it). */
  notify(h: HandoffNotice): Promise<void>;
  close(): void;
}

/** One line, no control characters (no header or line injection), secrets masked, at most `max` characters. */
export function plainLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = redactText(String(text))
    .text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** Plain text; each line of the message indented so it cannot pass for the relay's own words. */
export function handoffMailText(h: HandoffNotice, label: { title: string | null; tool: string | null }): { subject: string; text: string } {
  const title = label.title ? plainLine(label.title, 120) : null;
  const what = `${h.session}${title ? ` “${title}”` : ''}${label.tool ? ` (${plainLine(label.tool, 40)})` : ''}`;
  const lines = [`${h.from} handed you a session on SessionFS: ${what}.`, ''];
  if (h.message) {
    lines.push(`Message from ${h.from}:`);
    // eslint-disable-next-line no-control-regex
    const message = redactText(h.message).text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
    for (const l of message.split(/\r?\n|\u2028|\u2029/).slice(0, 60)) lines.push(`  > ${l.slice(0, 500)}`);
    lines.push('');
  }
  lines.push('Take it with:', '', `  sfs pull-handoff ${h.id}`, '', `(sfs pull-handoff alone lists every handoff waiting for you.)`);
  lines.push(`It can be taken until ${h.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`);
  return { subject: plainLine(`${h.from} handed you a session${title ? `: ${title}` : ''}`, 150), text: lines.join('\n') + '\n' };
}

export async function createHandoffMailer(db: Db, o: MailOptions, log: FastifyBaseLogger): Promise<HandoffMailer> {
  const nodemailer = (await import('nodemailer')).default;
  const transport = nodemailer.createTransport(o.smtpUrl);
  const from = o.from ?? `SessionFS relay <sessionfs@${hostname()}>`;
  return {
    async notify(h) {
      try {
        const to = await db.selectFrom('accounts').select('email').where('id', '=', h.toAccount).executeTakeFirst();
        if (!to?.email) return;
        const labels = await sessionLabels(db, [h.sourceSpace], [h.session]);
        const { subject, text } = handoffMailText(h, labelOf(labels, h.sourceSpace, h.session));
        await transport.sendMail({ from, to: to.email, subject, text, headers: { 'X-SessionFS-Handoff': h.id } });
        log.info({ handoff: h.id }, 'handoff notice sent');
      } catch (err) {
        log.warn({ err: { message: (err as Error).message }, handoff: h.id }, 'handoff notice not sent');
      }
    },
    close() {
      transport.close();
    },
  };
}
