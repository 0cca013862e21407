import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyToolCall, patchPaths } from '../../../engine/summary/tool-calls.js';
import { exitCodeOf, isTestCommand, packageInstall, shellFileEffects, simpleCommands, testOutcome } from '../../../engine/summary/commands.js';

test('tool calls of every tool map to read / write / command', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['Read', { file_path: '/a/README.md' }, [{ kind: 'read', paths: ['/a/README.md'] }]],
    ['Edit', { file_path: 'src/x.ts', old_string: 'a', new_string: 'b' }, [{ kind: 'write', paths: ['src/x.ts'] }]],
    ['Bash', { command: 'ls -la' }, [{ kind: 'command', command: 'ls -la' }]],
    ['read_file', { file_path: 'a.py' }, [{ kind: 'read', paths: ['a.py'] }]], // gemini
    ['run_shell_command', { command: 'npm test' }, [{ kind: 'command', command: 'npm test' }]],
    ['replace', { file_path: 'b.py' }, [{ kind: 'write', paths: ['b.py'] }]],
    ['shell', { command: ['bash', '-lc', 'cargo test'] }, [{ kind: 'command', command: 'cargo test' }]], // codex argv
    ['exec_command', { cmd: 'ls' }, [{ kind: 'command', command: 'ls' }]],
    ['view', { path: '/p/README.md' }, [{ kind: 'read', paths: ['/p/README.md'] }]], // copilot
    ['create', { path: '/p/notes.txt', file_text: 'x' }, [{ kind: 'write', paths: ['/p/notes.txt'] }]],
    ['str_replace_editor', { command: 'view', path: 'a' }, [{ kind: 'read', paths: ['a'] }]],
    ['write_to_file', { path: 'c.ts', content: '' }, [{ kind: 'write', paths: ['c.ts'] }]], // cline family
    ['execute_command', { command: 'pytest -q' }, [{ kind: 'command', command: 'pytest -q' }]],
    ['edit_file', { target_file: 'd.ts' }, [{ kind: 'write', paths: ['d.ts'] }]], // cursor
    ['run_terminal_cmd', { command: 'go test ./...' }, [{ kind: 'command', command: 'go test ./...' }]],
    ['read_many_files', { paths: ['a', 'b'] }, [{ kind: 'read', paths: ['a', 'b'] }]],
    ['TodoWrite', { todos: [] }, [{ kind: 'other' }]],
  ];
  for (const [name, input, want] of cases) assert.deepEqual(classifyToolCall(name, input), want, name);
});

test('apply_patch, as a tool or through the shell, names the files it touches', () => {
  const patch =
    '*** Begin Patch\n*** Add File: src/new.ts\n+x\n*** Update File: src/old.ts\n*** Move to: src/moved.ts\n@@\n-a\n+b\n*** Delete File: gone.ts\n*** End Patch';
  assert.deepEqual(patchPaths(patch), ['src/new.ts', 'src/old.ts', 'src/moved.ts', 'gone.ts']);
  assert.deepEqual(classifyToolCall('apply_patch', { input: patch }), [{ kind: 'write', paths: ['src/new.ts', 'src/old.ts', 'src/moved.ts', 'gone.ts'] }]);
  assert.deepEqual(classifyToolCall('apply_patch', patch), [{ kind: 'write', paths: ['src/new.ts', 'src/old.ts', 'src/moved.ts', 'gone.ts'] }]);
  const viaShell = classifyToolCall('shell', { command: ['bash', '-lc', `apply_patch <<'EOF'\n${patch}\nEOF`] });
  assert.equal(viaShell[1]!.kind, 'write');
});

test('commands: tests, packages, exit codes, outcomes, file effects', () => {
  assert.deepEqual(simpleCommands('cd app && npm install zod; echo "a && b" | cat'), ['cd app', 'npm install zod', 'echo "a && b"', 'cat']);
  for (const c of [
    'npm test',
    'pnpm run test:unit',
    'npx vitest run',
    'pytest -q tests/',
    'python -m pytest',
    'go test ./...',
    'cargo test',
    'make test',
    'node --test dist/test/',
    'CI=1 npm test',
  ])
    assert.ok(isTestCommand(c), c);
  for (const c of ['npm install', 'ls tests', 'cat test.txt', 'git commit -m test']) assert.ok(!isTestCommand(c), c);
  assert.deepEqual(packageInstall('npm install --save-dev zod @types/node'), {
    manager: 'npm',
    packages: ['zod', '@types/node'],
    command: 'npm install --save-dev zod @types/node',
  });
  assert.deepEqual(packageInstall('pip install -r requirements.txt requests')?.packages, ['requests']);
  assert.deepEqual(packageInstall('sudo apt-get install -y jq')?.packages, ['jq']);
  assert.equal(packageInstall('npm install'), null); // the lockfile, not a new package
  assert.equal(packageInstall('npm run build'), null);
  assert.equal(exitCodeOf('Chunk ID: 1\nProcess exited with code 2\nOutput:\n'), 2); // codex
  assert.equal(exitCodeOf('Exit code 1\ncat: x'), 1); // claude code
  assert.equal(exitCodeOf('Output: x\nExit Code: 0\n'), 0); // gemini
  assert.equal(exitCodeOf('all good'), null);
  assert.equal(testOutcome('Process exited with code 1', false), 'failed');
  assert.equal(testOutcome('Tests: 3 failed, 10 passed', false), 'failed');
  assert.equal(testOutcome('# pass 12\n# fail 0', false), 'passed');
  assert.equal(testOutcome('=== 5 passed in 0.2s ===', false), 'passed');
  assert.equal(testOutcome('', true), 'failed');
  assert.equal(testOutcome('hmm', false), 'unknown');
  assert.deepEqual(shellFileEffects("printf 'x' > notes.txt"), { reads: [], writes: ['notes.txt'] });
  assert.deepEqual(shellFileEffects('cat README.md'), { reads: ['README.md'], writes: [] });
  assert.deepEqual(shellFileEffects("sed -i 's/a/b/' src/x.ts"), { reads: [], writes: ['src/x.ts'] });
  assert.deepEqual(shellFileEffects('ls 2>/dev/null'), { reads: [], writes: [] });
});
