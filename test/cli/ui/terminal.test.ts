import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { findTerminal } from '../../../cli/ui/terminal.js';
import { tempDir } from '../../helpers/tmp.js';

test('terminal: $TERMINAL first, else a known emulator on PATH only on a desktop, Terminal.app on macOS with the command quoted', (t) => {
  const bin = tempDir(t);
  for (const name of ['xterm', 'osascript', 'my-term']) writeFileSync(path.join(bin, name), '#!/bin/sh\n', { mode: 0o755 });
  const cmd = ['/usr/bin/node', '/opt/my "sfs"/main.js', 'resume', 'ses_0123456789ab'];
  assert.equal(findTerminal({ PATH: bin }, 'linux'), null, 'no desktop, no terminal');
  const x = findTerminal({ PATH: bin, DISPLAY: ':0' }, 'linux')!;
  assert.equal(x.name, 'xterm');
  assert.deepEqual(x.argv(cmd), ['-e', ...cmd]);
  const mine = findTerminal({ PATH: bin, TERMINAL: 'my-term' }, 'linux')!;
  assert.equal(mine.path, path.join(bin, 'my-term'));
  assert.equal(findTerminal({ PATH: bin, TERMINAL: 'not-there' }, 'linux'), null);
  const mac = findTerminal({ PATH: bin }, 'darwin')!;
  const script = mac.argv(cmd)[1]!;
  assert.equal(script, `tell application "Terminal" to do script "/usr/bin/node '/opt/my \\"sfs\\"/main.js' resume ses_0123456789ab"`);
  assert.equal(findTerminal({ PATH: bin, DISPLAY: ':0' }, 'win32'), null);
});
