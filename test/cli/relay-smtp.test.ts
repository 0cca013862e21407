import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, newSfs } from '../helpers/cli.js';
import { backends } from '../server/backends.js';
import { parse, smtpSink } from '../helpers/smtp-sink.js';
import { discover, openStore } from '../replication/helpers.js';

/** `sfs relay start --port 0 --json` with extra flags, resolved with its URL once it listens. */
function startRelay(args: string[]): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [CLI, 'relay', 'start', '--port', '0', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SFS_LOG_LEVEL: 'warn' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /"url":\s*"([^"]+)"/.exec(out);
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.stderr!.on('data', (d) => (out += d));
    proc.once('exit', (code) => reject(new Error(`relay exited ${code}: ${out}`)));
  });
}

/**
 * The whole path a person takes (issue 13 item 4): a relay started with --smtp-url/--smtp-from, a recipient who
 * signed up with --email, `sfs handoff` on the sender's machine; the mail names the command, and that command,
 * run as written on the recipient's machine, takes the session.
 */
test('sfs relay start --smtp-url: sfs handoff mails the recipient the command that takes it', { timeout: 600_000 }, async (t) => {
  const sink = await smtpSink();
  const b = await (await backends()).at(-1)!();
  const dbArgs = b.options.databaseUrl ? ['--database-url', b.options.databaseUrl] : ['--data-dir', b.options.dataDir!];
  const relay = await startRelay([...dbArgs, '--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--smtp-from', 'Team relay <relay@example.test>']);
  const [alice, bob] = [newSfs(), newSfs()];
  t.after(async () => {
    alice.dispose();
    bob.dispose();
    relay.proc.kill('SIGTERM');
    await new Promise((r) => relay.proc.once('exit', r));
    await sink.close();
    await b.drop();
  });
  const env = { SFS_PASSWORD: 'correct horse 1' };
  await alice.ok(['auth', 'signup', '--relay', relay.url, '--username', 'alice'], { env });
  await bob.ok(['auth', 'signup', '--relay', relay.url, '--username', 'bob', '--email', 'bob@example.test'], { env });
  {
    const store = await openStore(alice.home);
    await discover(store, 'ses_smtphandoff01', 'Migrate the billing tables');
    await store.close();
  }
  const h = await alice.ok<{ id: string }>(['handoff', 'ses_smtphandoff01', '--to', 'bob', '--message', 'Half done; the down migration is untested.']);
  const end = Date.now() + 20_000;
  while (!sink.mails.length && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.equal(sink.mails.length, 1, 'one notice');
  const mail = sink.mails[0]!;
  assert.deepEqual([mail.from, mail.to], ['relay@example.test', ['bob@example.test']]);
  const { headers, body } = parse(mail.raw);
  assert.equal(headers.subject, 'alice handed you a session: Migrate the billing tables');
  assert.match(body, /^alice handed you a session on SessionFS: ses_smtphandoff01 “Migrate the billing tables” \(codex\)\.\n/);
  assert.match(body, /\n {2}> Half done; the down migration is untested\.\n/);
  const command = /\n {2}(sfs pull-handoff hnd_[0-9a-z]+)\n/.exec(body)?.[1];
  assert.equal(command, `sfs pull-handoff ${h.id}`);
  // The recipient sees it waiting, with its title, and the command from the mail takes it.
  assert.match(await bob.out(['pull-handoff']), /alice\s+ses_smtphandoff01\s+Migrate the billing tables\s+Half done/);
  const took = await bob.ok<{ session: string; copied: number }>(command!.split(' ').slice(1));
  assert.deepEqual([took.session, took.copied], ['ses_smtphandoff01', 1]);
  assert.match(await bob.out(['show', 'ses_smtphandoff01']), /Migrate the billing tables/);
});
