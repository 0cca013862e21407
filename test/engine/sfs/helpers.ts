import { fileURLToPath } from 'node:url';
import { mkdtemp, cp, chmod, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const EXAMPLES = fileURLToPath(new URL('../../../../test/fixtures/sfs/sessionfs-spec-examples', import.meta.url));
export const EXAMPLE_NAMES = ['minimal', 'complete', 'subagent'] as const;

export async function tempDir(prefix = 'sfs-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A writable copy of one example (the fixtures are read-only). */
export async function copyExample(name: string): Promise<string> {
  const dir = join(await tempDir(), name);
  await cp(join(EXAMPLES, name), dir, { recursive: true });
  await chmod(dir, 0o755);
  for (const f of await readdir(dir)) await chmod(join(dir, f), 0o644);
  return dir;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
