import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback that keeps every mail it is given (tests of the relay's handoff notices). */
export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

export async function smtpSink(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Headers unfolded, and the body (quoted-printable soft breaks joined, =XX decoded). */
export function parse(raw: string): { headers: Record<string, string>; body: string } {
  const [head, ...rest] = raw.split(/\r\n\r\n/);
  const headers: Record<string, string> = {};
  for (const line of head!.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = rest.join('\r\n\r\n');
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? ''))
    body = Buffer.from(
      body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

/** MIME encoded-words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=) decoded. */
export function decodeWords(h: string): string {
  return h.replace(/\s*=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, x: string) => String.fromCharCode(parseInt(x, 16))),
          'latin1',
        ).toString('utf8'),
  );
}
