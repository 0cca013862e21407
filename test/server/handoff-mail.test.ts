import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { decodeWords, parse, smtpSink } from '../helpers/smtp-sink.js';
import { backends, relayOn, signup, type Backend } from './backends.js';
import { WireClient, dlp } from './wire-client.js';
import { packBody, type WireEvent } from '../../engine/replication/protocol.js';
import type { Relay } from '../../server/relay.js';

/**
 * Handoff notices by e-mail (issue 13 item 4), against a real SMTP server on loopback: the recipient
 * with an address gets one plain-text mail with the sender's message and the command that takes the
 * session; no token, no HTML, session text flattened and scrubbed. Without an address, without SMTP,
 * or with SMTP down, the handoff works the same and nothing fails.
 */
/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

// PostgreSQL when it is up (a relay on it starts in a moment), else PGlite.
const make = (await backends()).at(-1)!;

describe('handoff notices by e-mail', { concurrency: false }, () => {
  let b: Backend;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let relay: Relay;
  let alice: { token: string };
  let bob: { token: string };
  let carl: { token: string };
  const call = async (r: Relay, token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(r.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const out = (await res.json()) as Record<string, any>;
    assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(out)}`);
    return out;
  };
  const push = async (r: Relay, token: string, origin: string, events: WireEvent[]) => {
    const c = await WireClient.connect(r.url);
    const personal = (await c.hello(token, origin)).spaces.find((s) => s.kind === 'personal')!.id;
    c.send({ t: 'push', id: 1, space: personal, from: 0, upTo: events.length, ...dlp(personal), events });
    await c.next('pushed');
    c.close();
  };
  const discovered = (origin: string, seq: number, session: string, title: string): WireEvent => [
    origin,
    seq,
    'session.discovered',
    1,
    1_700_000_000_000,
    session,
    packBody({ tool: 'claude-code', created_at: '2026-11-02T10:00:00.000Z', via: 'capture', title }),
  ];

  before(async () => {
    b = await make();
    sink = await smtpSink();
    relay = await relayOn(b, { smtpUrl: `smtp://127.0.0.1:${sink.port}`, smtpFrom: 'SessionFS relay <relay@example.test>' });
    alice = await signup(relay, 'alice');
    // Bob gives his address at signup; Carl has none.
    const res = await fetch(relay.url + '/v1/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: 'correct horse 1', email: 'bob@example.test' }),
    });
    bob = (await res.json()) as { token: string };
    carl = await signup(relay, 'carl');
    // A title with a line break and header-looking text, and a secret in it: session text is untrusted.
    await push(relay, alice.token, 'alicelaptop1', [
      discovered('alicelaptop1', 1, 'ses_mailhandoff1', 'Deploy fix\r\nBcc: eve@evil.test ghp_0123456789abcdefghijklmnopqrstuvwxyz'),
      discovered('alicelaptop1', 2, 'ses_mailhandoff2', 'second'),
    ]);
  });
  after(async () => {
    await relay?.close();
    await sink?.close();
    await b?.drop();
  });

  test('the recipient gets one plain-text mail: the message, the command to take it, nothing secret', async () => {
    const h = await call(relay, alice.token, 'POST', '/v1/handoffs', {
      session: 'ses_mailhandoff1',
      to: 'bob',
      message: 'Over to you:\nthe DB password is hunter2-not; token ghp_abcdefghijklmnopqrstuvwxyz0123456789\n<b>not html</b>',
    });
    await waitFor(() => sink.mails.length === 1);
    const mail = sink.mails[0]!;
    assert.equal(mail.from, 'relay@example.test');
    assert.deepEqual(mail.to, ['bob@example.test']);
    const { headers, body } = parse(mail.raw);
    assert.equal(headers.to, 'bob@example.test');
    assert.match(headers['content-type']!, /^text\/plain; charset=utf-8/i);
    assert.equal(headers['x-sessionfs-handoff'], h.id);
    assert.ok(!headers.bcc && !mail.to.includes('eve@evil.test'), 'the title cannot add a recipient');
    const subject = decodeWords(headers.subject!);
    assert.match(subject, /^alice handed you a session: Deploy fix Bcc: eve@evil\.test /);
    assert.ok(!subject.includes('ghp_0123456789abcdefghijklmnopqrstuvwxyz'), 'a secret in the title is masked');
    assert.match(body, /^alice handed you a session on SessionFS: ses_mailhandoff1 “Deploy fix Bcc: eve@evil\.test .*” \(claude-code\)\.\n/);
    assert.match(body, /Message from alice:\n {2}> Over to you:\n {2}> the DB password is hunter2-not; token .*\n {2}> <b>not html<\/b>\n/);
    assert.ok(body.includes(`\n  sfs pull-handoff ${h.id}\n`));
    for (const secret of ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz', alice.token, bob.token])
      assert.ok(!mail.raw.includes(secret), `no ${secret.slice(0, 6)}… in the mail`);
    assert.ok(!/text\/html/i.test(mail.raw));
    // Extending the pending handoff does not mail again; the handoff itself answers as before.
    const again = await call(relay, alice.token, 'POST', '/v1/handoffs', { session: 'ses_mailhandoff1', to: 'bob' });
    assert.deepEqual([again.id, again.extended, again.to_account, again.source_space], [h.id, true, undefined, undefined]);
    // No address: no mail, the handoff works.
    await call(relay, alice.token, 'POST', '/v1/handoffs', { session: 'ses_mailhandoff2', to: 'carl' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.mails.length, 1);
    assert.equal((await call(relay, carl.token, 'GET', '/v1/handoffs')).handoffs.length, 1);
    // Carl sets one later: the next handoff reaches him.
    await call(relay, carl.token, 'PUT', '/v1/account/email', { email: 'carl@example.test' });
    await call(relay, bob.token, 'POST', `/v1/handoffs/${h.id}/accept`);
    await push(relay, bob.token, 'boblaptop001', [discovered('boblaptop001', 1, 'ses_mailhandoff3', 'from bob')]);
    await call(relay, bob.token, 'POST', '/v1/handoffs', { session: 'ses_mailhandoff3', to: 'carl' });
    await waitFor(() => sink.mails.length === 2);
    assert.deepEqual(sink.mails[1]!.to, ['carl@example.test']);
    assert.match(decodeWords(parse(sink.mails[1]!.raw).headers.subject!), /^bob handed you a session: from bob$/);
  });

  test('without SMTP nothing is sent; with SMTP down the handoff still succeeds', async () => {
    const sent = sink.mails.length;
    for (const smtpUrl of [undefined, `smtp://127.0.0.1:${await deadPort()}`]) {
      const other = await make();
      const r = await relayOn(other, smtpUrl ? { smtpUrl } : {});
      try {
        const a = await signup(r, 'alice');
        const res = await fetch(r.url + '/v1/signup', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'bob', password: 'correct horse 1', email: `bob@127.0.0.1.nip.io` }),
        });
        assert.equal(res.status, 200);
        await push(r, a.token, 'alicelaptop2', [discovered('alicelaptop2', 1, 'ses_mailhandoff9', 'x')]);
        const h = await call(r, a.token, 'POST', '/v1/handoffs', { session: 'ses_mailhandoff9', to: 'bob', message: 'hi' });
        assert.match(h.id, /^hnd_/);
      } finally {
        await r.close(); // waits for the failed send to be given up
        await other.drop();
      }
    }
    assert.equal(sink.mails.length, sent, 'nothing reached the sink from those relays');
  });
});
