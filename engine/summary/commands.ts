/**
 * Reading shell commands and their output without a model: which commands ran tests,
 * which installed packages, and how a command ended.
 */

/** Splits a command line into its simple commands (`a && b; c | d`), ignoring separators inside quotes. */
export function simpleCommands(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') cur += line[i++] ?? '';
      cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      cur += c;
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || c === '&') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Words of a simple command, without leading `VAR=value` assignments, `sudo`, `cd x` prefixes. */
function words(cmd: string): string[] {
  const w = cmd.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  let i = 0;
  while (i < w.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w[i]!) || ['sudo', 'time', 'env', 'exec', 'command', 'nohup'].includes(w[i]!))) i++;
  return w.slice(i).map((x) => x.replace(/^['"]|['"]$/g, ''));
}

const TEST_RE = [
  /^(npm|pnpm|yarn|bun)( run)? (test|t)\b/,
  /^(npm|pnpm|yarn|bun) run [\w:-]*test[\w:-]*/,
  /^(npx |pnpx |bunx )?(jest|vitest|mocha|ava|tap|playwright test|cypress run)\b/,
  /^node (--test|.*\.test\.[cm]?js)/,
  /^(python[\d.]* -m )?(pytest|py\.test|unittest|nose2|tox)\b/,
  /^(uv run|poetry run|pipenv run) (pytest|python -m pytest)\b/,
  /^go test\b/,
  /^cargo (test|nextest)\b/,
  /^(make|just) (test|check|tests)\b/,
  /^(\.\/)?(mvnw?|gradlew?) .*\btest\b/,
  /^dotnet test\b/,
  /^(bundle exec )?(rspec|rake test)\b/,
  /^(phpunit|vendor\/bin\/phpunit)\b/,
  /^(ctest|deno test|swift test|mix test|zig build test)\b/,
];

export function isTestCommand(cmd: string): boolean {
  const w = words(cmd).join(' ');
  return TEST_RE.some((re) => re.test(w));
}

export interface PackageInstall {
  manager: string;
  packages: string[];
  command: string;
}

const INSTALLERS: Array<{ manager: string; match: (w: string[]) => number | null }> = [
  { manager: 'npm', match: (w) => (w[0] === 'npm' && ['install', 'i', 'add', 'in'].includes(w[1] ?? '') ? 2 : null) },
  { manager: 'pnpm', match: (w) => (w[0] === 'pnpm' && ['add', 'install', 'i'].includes(w[1] ?? '') ? 2 : null) },
  { manager: 'yarn', match: (w) => (w[0] === 'yarn' && w[1] === 'add' ? 2 : null) },
  { manager: 'bun', match: (w) => (w[0] === 'bun' && ['add', 'install', 'i'].includes(w[1] ?? '') ? 2 : null) },
  {
    manager: 'pip',
    match: (w) =>
      /^pip[\d.]*$/.test(w[0] ?? '') && w[1] === 'install'
        ? 2
        : /^python[\d.]*$/.test(w[0] ?? '') && w[1] === '-m' && /^pip/.test(w[2] ?? '') && w[3] === 'install'
          ? 4
          : null,
  },
  { manager: 'uv', match: (w) => (w[0] === 'uv' && w[1] === 'add' ? 2 : w[0] === 'uv' && w[1] === 'pip' && w[2] === 'install' ? 3 : null) },
  { manager: 'poetry', match: (w) => (w[0] === 'poetry' && w[1] === 'add' ? 2 : null) },
  { manager: 'cargo', match: (w) => (w[0] === 'cargo' && ['add', 'install'].includes(w[1] ?? '') ? 2 : null) },
  { manager: 'go', match: (w) => (w[0] === 'go' && ['get', 'install'].includes(w[1] ?? '') ? 2 : null) },
  { manager: 'gem', match: (w) => (w[0] === 'gem' && w[1] === 'install' ? 2 : null) },
  { manager: 'bundle', match: (w) => (w[0] === 'bundle' && w[1] === 'add' ? 2 : null) },
  { manager: 'composer', match: (w) => (w[0] === 'composer' && w[1] === 'require' ? 2 : null) },
  { manager: 'apt', match: (w) => (['apt', 'apt-get'].includes(w[0] ?? '') && w[1] === 'install' ? 2 : null) },
  { manager: 'brew', match: (w) => (w[0] === 'brew' && w[1] === 'install' ? 2 : null) },
  { manager: 'dotnet', match: (w) => (w[0] === 'dotnet' && w[1] === 'add' && w[2] === 'package' ? 3 : null) },
];

/** Packages a simple command installs (`npm install` with no names installs the lockfile: not listed). */
export function packageInstall(cmd: string): PackageInstall | null {
  const w = words(cmd);
  for (const inst of INSTALLERS) {
    const from = inst.match(w);
    if (from === null) continue;
    const packages: string[] = [];
    for (let i = from; i < w.length; i++) {
      const a = w[i]!;
      if (a.startsWith('-')) {
        // options that take a value
        if (['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '--index-url', '-i', '--prefix', '--target', '-t'].includes(a)) i++;
        continue;
      }
      if (a === '>' || a.startsWith('>') || a.startsWith('2>')) break;
      packages.push(a);
    }
    if (packages.length) return { manager: inst.manager, packages, command: cmd };
    return null;
  }
  return null;
}

/** The exit code a tool recorded in a command's output, when it did. */
export function exitCodeOf(output: string): number | null {
  const m =
    /Process exited with code (-?\d+)/.exec(output) ??
    /^Exit code:? (-?\d+)/im.exec(output) ??
    /\bexit(?:ed with)? code:? (-?\d+)/i.exec(output) ??
    /<exited with exit code (-?\d+)>/.exec(output);
  return m ? Number(m[1]) : null;
}

/** How a test run ended: from the exit code, else from what the runner printed. */
export function testOutcome(output: string, isError: boolean): 'passed' | 'failed' | 'unknown' {
  const code = exitCodeOf(output);
  if (code !== null) return code === 0 ? 'passed' : 'failed';
  if (isError) return 'failed';
  if (/\b([1-9]\d*) (failed|failing|failures?|errors?)\b|^FAIL\b|\bFAILED\b|^not ok\b|# fail [1-9]|test result: FAILED|BUILD FAILURE/m.test(output))
    return 'failed';
  if (/\b\d+ (passed|passing)\b|^ok\b|# pass \d+|test result: ok|\bPASS\b|All tests passed|BUILD SUCCESS|^OK( \(|$)/m.test(output)) return 'passed';
  return 'unknown';
}

const READERS = new Set(['cat', 'head', 'tail', 'less', 'more', 'bat', 'nl', 'wc']);

/**
 * Files a simple shell command plainly reads or writes: `cat/head/tail/sed -n FILE`,
 * redirections `> FILE` / `>> FILE`, `tee FILE`, `touch FILE`, `sed -i … FILE`. Agents
 * that work through the shell (Codex) touch files this way; anything subtler is left out.
 */
export function shellFileEffects(cmd: string): { reads: string[]; writes: string[] } {
  const reads: string[] = [];
  const writes: string[] = [];
  const redirect = /(?:^|[^0-9&<>])>>?\s*("[^"]+"|'[^']+'|[^\s;&|<>]+)/g;
  for (let m = redirect.exec(cmd); m; m = redirect.exec(cmd)) {
    const target = m[1]!.replace(/^['"]|['"]$/g, '');
    if (target !== '/dev/null' && !target.startsWith('&')) writes.push(target);
  }
  const w = words(cmd.replace(/\d*>>?\s*("[^"]+"|'[^']+'|[^\s;&|<>]+)/g, ''));
  const args = w.slice(1).filter((a) => !a.startsWith('-'));
  const prog = w[0] ?? '';
  if (READERS.has(prog)) reads.push(...args.filter((a) => !/^\d+$/.test(a)));
  else if (prog === 'tee' || prog === 'touch') writes.push(...args);
  else if (prog === 'sed') {
    const files = args.slice(1); // the first operand is the script
    if (w.some((a) => a === '-i' || a.startsWith('-i') || a === '--in-place')) writes.push(...files);
    else reads.push(...files);
  }
  return { reads, writes };
}
