import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ANSI_RE, CLI, IDS, copyExample, example, newSfs, type Sfs } from '../helpers/cli.js';

describe('sfs errors, --json envelopes, import safety, colors', () => {
  let sfs: Sfs;
  before(async () => {
    sfs = newSfs();
    await sfs.ok(['import', example('complete')]);
  });
  after(() => sfs.dispose());

  test('--json success envelope: {sfs_json: 1, command, data}', async () => {
    const r = await sfs.json(['list']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.deepEqual(Object.keys(r.envelope), ['sfs_json', 'command', 'data']);
    assert.equal(r.envelope.command, 'list');
  });

  test('every error: one stderr line with the code, the documented exit code, the --json error envelope', async () => {
    const cases: Array<[string[], string, number, RegExp]> = [
      [['show', 'ffffffff'], 'NOT_FOUND', 3, /no session matches "ffffffff"/],
      [['frobnicate'], 'USAGE', 2, /Unknown argument: frobnicate/],
      [['list', '--bogus'], 'USAGE', 2, /Unknown argument: bogus/],
      [['show'], 'USAGE', 2, /Not enough non-option arguments/],
      [[], 'USAGE', 2, /name a command/],
      [['list', '--sort', 'size'], 'USAGE', 2, /Invalid values: Argument: sort, Given: "size"/],
      [['list', '--since', 'yesterday'], 'USAGE', 2, /--since: "yesterday" is not a date/],
      [['search', '***'], 'USAGE', 2, /no words to look for/],
      [['search', 'AND OR', '--raw'], 'USAGE', 2, /bad search query/],
      [['show', IDS.complete, '--limit', '0'], 'USAGE', 2, /--limit must be a positive whole number/],
      [['import', 'does-not-exist.sfs'], 'NOT_FOUND', 3, /does-not-exist\.sfs: no such \.sfs directory/],
      [['import', example('complete'), example('complete')], 'CONFLICT', 7, /hold the same session/],
    ];
    await Promise.all(
      cases.map(async ([args, code, exit, re]) => {
        const { message } = await sfs.fails(args, code, exit);
        assert.match(message, re, args.join(' '));
      }),
    );
    const r = await sfs.json(['show', 'ffffffff']);
    assert.deepEqual(r.envelope, { sfs_json: 1, error: { code: 'NOT_FOUND', message: 'no session matches "ffffffff"', exit_code: 3 } });
  });

  test('import refuses unsafe or invalid .sfs directories, alone or next to a valid one, and imports nothing', async () => {
    const fresh = newSfs();
    try {
      const valid = copyExample('minimal', fresh.path('valid.sfs'));
      // A manifest that is a symbolic link.
      const sym = copyExample('minimal', fresh.path('symlink.sfs'));
      renameSync(path.join(sym, 'manifest.json'), fresh.path('elsewhere.json'));
      symlinkSync(fresh.path('elsewhere.json'), path.join(sym, 'manifest.json'));
      // A .sfs directory that is itself a link.
      symlinkSync(valid, fresh.path('linked.sfs'));
      // A git diff path that climbs out.
      const climb = copyExample('subagent', fresh.path('climb.sfs'));
      writeFileSync(path.join(climb, 'workspace.json'), JSON.stringify({ root_path: '/w', git: { branch: 'x', diff_path: '../../etc/passwd' } }));
      // A message with an image file outside.
      const img = copyExample('minimal', fresh.path('image.sfs'));
      appendFileSync(
        path.join(img, 'messages.jsonl'),
        JSON.stringify({ msg_id: 'msg-004', role: 'user', content: [{ type: 'image', source: { type: 'file', path: '/etc/shadow' } }] }) + '\n',
      );
      // A line that is not JSON.
      const badLine = copyExample('minimal', fresh.path('badline.sfs'));
      appendFileSync(path.join(badLine, 'messages.jsonl'), '{"msg_id": "msg-004", oops\n');
      // A line that is JSON but not a message.
      const notMsg = copyExample('minimal', fresh.path('notmsg.sfs'));
      appendFileSync(path.join(notMsg, 'messages.jsonl'), '{"msg_id": "msg-004"}\n');
      // Not a directory.
      writeFileSync(fresh.path('plain.sfs'), 'hello');
      mkdirSync(fresh.path('empty.sfs'));

      const cases: Array<[string, string, number, RegExp]> = [
        [sym, 'UNSAFE_INPUT', 6, /symlink\.sfs\/manifest\.json: is a symbolic link$/],
        [fresh.path('linked.sfs'), 'UNSAFE_INPUT', 6, /linked\.sfs: is a symbolic link$/],
        [climb, 'UNSAFE_INPUT', 6, /climb\.sfs\/workspace\.json: \/git\/diff_path "\.\.\/\.\.\/etc\/passwd" has a \.\. segment$/],
        [img, 'UNSAFE_INPUT', 6, /image\.sfs\/messages\.jsonl line 4: \/content\/0\/source\/path "\/etc\/shadow" is absolute$/],
        [badLine, 'INVALID_INPUT', 5, /badline\.sfs\/messages\.jsonl line 4: invalid JSON/],
        [notMsg, 'INVALID_INPUT', 5, /notmsg\.sfs\/messages\.jsonl line 4: /],
        [fresh.path('plain.sfs'), 'INVALID_INPUT', 5, /plain\.sfs: is not a directory$/],
        [fresh.path('empty.sfs'), 'INVALID_INPUT', 5, /empty\.sfs\/manifest\.json: is missing$/],
      ];
      for (const [i, [dir, code, exit, re]] of cases.entries()) {
        // The human one-line form is checked for the first three; --json for all, alone and mixed.
        const [alone, mixed] = await Promise.all([
          (i < 3 ? fresh.fails : fresh.failsJson).call(fresh, ['import', dir], code, exit),
          fresh.failsJson(['import', valid, dir], code, exit),
        ]);
        assert.match(alone.message, re);
        assert.match(mixed.message, re, 'the same refusal when a valid path comes first');
      }
      assert.deepEqual(await fresh.ok(['list']), { total: 0, sessions: [] }, 'nothing was imported');
      assert.equal((await fresh.ok(['storage'])).events, 0);

      // An oversized messages.jsonl, by the configured limit.
      await fresh.ok(['config', 'set', 'import.max_messages_bytes', '1024']);
      const big = copyExample('complete', fresh.path('big.sfs'));
      const [alone, mixed] = await Promise.all([fresh.fails(['import', big], 'UNSAFE_INPUT', 6), fresh.failsJson(['import', valid, big], 'UNSAFE_INPUT', 6)]);
      assert.match(alone.message, /big\.sfs\/messages\.jsonl: is 4716 bytes, over the 1024 bytes limit$/);
      assert.equal(mixed.message, alone.message);
      assert.equal((await fresh.ok(['list'])).total, 0);
      // Under the limit the small one still imports.
      assert.equal((await fresh.ok(['import', valid])).results[0].session_id, IDS.minimal);
    } finally {
      fresh.dispose();
    }
  });

  test('NO_COLOR=1: no ANSI escapes anywhere (FORCE_COLOR=1 shows they would be there)', async () => {
    const runs: string[][] = [['list'], ['show', IDS.complete, '--limit', '2'], ['search', 'signup'], ['show', 'ffffffff']];
    const forced = await Promise.all(runs.map((a) => sfs.run(a, { env: { FORCE_COLOR: '1' } })));
    for (const [i, r] of forced.entries()) assert.match(r.stdout + r.stderr, ANSI_RE, `FORCE_COLOR ${runs[i]!.join(' ')}`);
    const plain = await Promise.all(runs.map((a) => sfs.run(a, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } })));
    for (const [i, r] of plain.entries()) {
      assert.doesNotMatch(r.stdout + r.stderr, ANSI_RE, `NO_COLOR ${runs[i]!.join(' ')}`);
      assert.ok(r.stdout.length + r.stderr.length > 0);
    }
  });

  test('a reader that stops early (| true) is not an error', async () => {
    const sh = promisify(execFile);
    const { stderr } = await sh(
      'sh',
      ['-c', `"${process.execPath}" "${CLI}" show ${IDS.complete} --all | true; "${process.execPath}" "${CLI}" export ${IDS.complete} --format md -o - | true`],
      {
        env: { ...process.env, SFS_HOME: sfs.home },
      },
    );
    assert.equal(stderr, '');
  });
});
