import { lstat, mkdir, mkdtemp, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SfsError } from '../errors.js';
import { check, type SchemaId } from '../schema/validator.js';
import type { Message } from '../model/message.js';
import { SFS_FILES, type SfsManifest, type SfsTools, type SfsWorkspace } from './types.js';
import { canonicalManifest, canonicalMessage, canonicalTools, canonicalWorkspace } from './canonical.js';
import { firstUnsafeRef, messagePathRefs, workspacePathRefs } from './safe-path.js';

/**
 * Writes a `.sfs` directory (DESIGN §10). Everything is validated against the same
 * schemas the reader uses, written into a temporary sibling directory, fsynced, and
 * only then renamed into place: a reader never sees half an export.
 */
export interface SfsWriteData {
  manifest: SfsManifest;
  workspace?: SfsWorkspace | null;
  tools?: SfsTools | null;
  messages: AsyncIterable<Message> | Iterable<Message>;
}

export interface WriteSfsOptions {
  /** Replace an existing non-empty directory at `dest`. */
  overwrite?: boolean;
}

export interface WriteSfsResult {
  dir: string;
  messageCount: number;
  /** Bytes written across all files. */
  bytes: number;
}

const FLUSH_BYTES = 1024 * 1024;

function validated(schema: SchemaId, value: unknown, where: string): void {
  const problem = check(schema, value);
  if (problem) throw new SfsError('INVALID_INPUT', `${where}: ${problem}`, { file: where, schema });
}

const pretty = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

async function writeWhole(path: string, text: string): Promise<number> {
  const fh = await open(path, 'wx', 0o644);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  return Buffer.byteLength(text);
}

async function writeMessages(path: string, messages: AsyncIterable<Message> | Iterable<Message>): Promise<{ count: number; bytes: number }> {
  const name = SFS_FILES.messages;
  const fh = await open(path, 'wx', 0o644);
  const seen = new Map<string, number>();
  let pending: string[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  let count = 0;
  const flush = async (): Promise<void> => {
    if (!pending.length) return;
    await fh.write(pending.join(''));
    bytes += pendingBytes;
    pending = [];
    pendingBytes = 0;
  };
  try {
    for await (const msg of messages) {
      const line = count + 1;
      const where = `${name} line ${line}`;
      const value = canonicalMessage(msg);
      validated('sfs/message.schema.json', value, where);
      const first = seen.get(msg.msg_id);
      if (first !== undefined)
        throw new SfsError('INVALID_INPUT', `${where}: duplicate msg_id ${JSON.stringify(msg.msg_id)} (first on line ${first})`, { file: name, line });
      seen.set(msg.msg_id, line);
      const bad = firstUnsafeRef(messagePathRefs(msg));
      if (bad) throw new SfsError('UNSAFE_INPUT', `${where}: ${bad}`, { file: name, line });
      const text = `${JSON.stringify(value)}\n`;
      pending.push(text);
      pendingBytes += Buffer.byteLength(text);
      count = line;
      if (pendingBytes >= FLUSH_BYTES) await flush();
    }
    await flush();
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { count, bytes };
}

async function existing(dest: string): Promise<'absent' | 'empty' | 'full'> {
  let st;
  try {
    st = await lstat(dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
  if (!st.isDirectory()) throw new SfsError('CONFLICT', `${dest}: exists and is not a directory`, { dest });
  return (await readdir(dest)).length === 0 ? 'empty' : 'full';
}

/** fsync a directory so the rename itself survives a crash; not every platform allows it. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort (e.g. Windows) */
  }
}

export async function writeSfsDir(dest: string, data: SfsWriteData, opts: WriteSfsOptions = {}): Promise<WriteSfsResult> {
  const target = resolve(dest);
  // Validate the small files before touching the disk.
  const manifest = canonicalManifest(data.manifest);
  validated('sfs/manifest.schema.json', manifest, SFS_FILES.manifest);
  const workspace = data.workspace == null ? null : canonicalWorkspace(data.workspace);
  if (workspace) {
    validated('sfs/workspace.schema.json', workspace, SFS_FILES.workspace);
    const bad = firstUnsafeRef(workspacePathRefs(workspace as SfsWorkspace));
    if (bad) throw new SfsError('UNSAFE_INPUT', `${SFS_FILES.workspace}: ${bad}`, { file: SFS_FILES.workspace });
  }
  const tools = data.tools == null ? null : canonicalTools(data.tools);
  if (tools) validated('sfs/tools.schema.json', tools, SFS_FILES.tools);

  const state = await existing(target);
  if (state === 'full' && !opts.overwrite) throw new SfsError('CONFLICT', `${target}: already exists and is not empty (--force replaces it)`, { dest: target });

  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  let aside: string | null = null;
  try {
    let bytes = await writeWhole(join(tmp, SFS_FILES.manifest), pretty(manifest));
    if (workspace) bytes += await writeWhole(join(tmp, SFS_FILES.workspace), pretty(workspace));
    if (tools) bytes += await writeWhole(join(tmp, SFS_FILES.tools), pretty(tools));
    const m = await writeMessages(join(tmp, SFS_FILES.messages), data.messages);
    bytes += m.bytes;
    await syncDir(tmp);

    // Re-check: someone may have created dest while we were writing.
    const now = await existing(target);
    if (now === 'full' && !opts.overwrite) throw new SfsError('CONFLICT', `${target}: already exists and is not empty (--force replaces it)`, { dest: target });
    if (now !== 'absent') {
      aside = `${tmp}-old`;
      await rename(target, aside);
    }
    try {
      await rename(tmp, target);
    } catch (err) {
      if (aside) await rename(aside, target).catch(() => undefined);
      aside = null;
      throw err;
    }
    await syncDir(parent);
    return { dir: target, messageCount: m.count, bytes };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (err instanceof SfsError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new SfsError('IO', `${target}: ${e.message}`, { dest: target, errno: e.code }, { cause: err });
  } finally {
    if (aside) await rm(aside, { recursive: true, force: true });
  }
}
