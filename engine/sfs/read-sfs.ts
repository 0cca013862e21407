import { lstat } from 'node:fs/promises';
import { constants as fsc, type Stats } from 'node:fs';
import { join } from 'node:path';
import { SfsError } from '../errors.js';
import { check, type SchemaId } from '../schema/validator.js';
import { readLines } from '../capture/jsonl-reader.js';
import { jsonTextTooDeep, tooDeepMessage } from '../capture/json-depth.js';
import { NotRegularFileError, openRegularFile } from '../capture/regular-file.js';
import type { Message } from '../model/message.js';
import { DEFAULT_SFS_LIMITS, SFS_FILES, type SfsLimits, type SfsManifest, type SfsTools, type SfsWorkspace } from './types.js';
import { firstUnsafeRef, messagePathRefs, workspacePathRefs } from './safe-path.js';

/**
 * Reads a `.sfs` directory as untrusted input (DESIGN §10): no symlinks, only regular
 * files, bounded sizes, path references that stay inside, every file schema-checked.
 * messages.jsonl is never held whole: one streaming pass validates and counts it, and
 * `messages()` streams it again (refusing if the file changed in between).
 */
export interface SfsSession {
  dir: string;
  manifest: SfsManifest;
  workspace: SfsWorkspace | null;
  tools: SfsTools | null;
  messageCount: number;
  /** A fresh pass over messages.jsonl; each call re-reads and re-validates the file. */
  messages(): AsyncIterable<Message>;
}

const O_NOFOLLOW = fsc.O_NOFOLLOW ?? 0;

function unsafe(file: string, problem: string): SfsError {
  return new SfsError('UNSAFE_INPUT', `${file}: ${problem}`, { file });
}
function invalid(where: string, problem: string, details: Record<string, unknown> = {}): SfsError {
  return new SfsError('INVALID_INPUT', `${where}: ${problem}`, details);
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB` : `${bytes} bytes`;
}

/** lstat one file of the directory; null when absent. Refuses links and non-files. */
async function statMember(dir: string, name: string, maxBytes: number): Promise<Stats | null> {
  let st: Stats;
  try {
    st = await lstat(join(dir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SfsError('IO', `${name}: ${(err as Error).message}`, { file: name }, { cause: err });
  }
  if (st.isSymbolicLink()) throw unsafe(name, 'is a symbolic link');
  if (!st.isFile()) throw unsafe(name, 'is not a regular file');
  if (st.size > maxBytes) throw unsafe(name, `is ${mib(st.size)}, over the ${mib(maxBytes)} limit`);
  return st;
}

/** Read a small JSON file through a no-follow handle and re-check what was opened. */
async function readJsonFile(dir: string, name: string, maxBytes: number, schema: SchemaId): Promise<unknown> {
  let fh, st;
  try {
    // Non-blocking and re-checked on the descriptor: a FIFO swapped in after the lstat cannot hang the import.
    ({ fh, st } = await openRegularFile(join(dir, name), O_NOFOLLOW));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw unsafe(name, 'is a symbolic link');
    if (err instanceof NotRegularFileError) throw unsafe(name, 'is not a regular file');
    throw new SfsError('IO', `${name}: ${(err as Error).message}`, { file: name }, { cause: err });
  }
  let text: string;
  try {
    if (st.size > maxBytes) throw unsafe(name, `is ${mib(st.size)}, over the ${mib(maxBytes)} limit`);
    // Read at most maxBytes + 1 so a file growing after the stat is still caught.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let len = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, len, buf.length - len, len);
      if (bytesRead === 0) break;
      len += bytesRead;
      if (len === buf.length) break;
    }
    if (len > maxBytes) throw unsafe(name, `is over the ${mib(maxBytes)} limit`);
    text = buf.subarray(0, len).toString('utf8');
  } finally {
    await fh.close();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Validation and storage recurse: refuse absurd nesting before they run.
  if (jsonTextTooDeep(text)) throw invalid(name, tooDeepMessage(), { file: name });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(name, `invalid JSON (${(err as Error).message})`, { file: name });
  }
  const problem = check(schema, value);
  if (problem) throw invalid(name, problem, { file: name, schema });
  return value;
}

interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}
const identity = (st: Stats): FileIdentity => ({ dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
const sameIdentity = (a: FileIdentity, b: FileIdentity): boolean => a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

interface RawLine {
  line: number;
  text: string;
}

/**
 * Every line of the file including a final one without a newline (readLines leaves
 * that one for later, which suits live capture but not a finished export).
 */
async function* allLines(path: string, name: string, size: number, maxLine: number): AsyncGenerator<RawLine> {
  let lastEnd = 0;
  let lastLine = 0;
  const onOversized = (o: { line: number; bytes: number }): never => {
    throw unsafe(`${name} line ${o.line}`, `is over the ${mib(maxLine)} line limit`);
  };
  for await (const l of readLines(path, { maxLineBytes: maxLine }, onOversized)) {
    // readLines only measures lines that span chunks; measure every one here.
    if (l.end - lastEnd - 1 > maxLine) throw unsafe(`${name} line ${l.line}`, `is over the ${mib(maxLine)} line limit`);
    lastEnd = l.end;
    lastLine = l.line;
    yield { line: l.line, text: l.text };
  }
  if (size > lastEnd) {
    const rest = size - lastEnd;
    if (rest > maxLine) throw unsafe(`${name} line ${lastLine + 1}`, `is over the ${mib(maxLine)} line limit`);
    const { fh } = await openRegularFile(path, O_NOFOLLOW);
    try {
      const buf = Buffer.alloc(rest);
      const { bytesRead } = await fh.read(buf, 0, rest, lastEnd);
      let text = buf.subarray(0, bytesRead).toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      yield { line: lastLine + 1, text };
    } finally {
      await fh.close();
    }
  }
}

/** Parse and validate messages.jsonl line by line; blank lines are allowed and skipped. */
async function* messagePass(dir: string, limits: SfsLimits, expected: FileIdentity, onCount?: (n: number) => void): AsyncGenerator<Message> {
  const name = SFS_FILES.messages;
  const path = join(dir, name);
  const st = await statMember(dir, name, limits.maxMessagesBytes);
  if (!st) throw invalid(name, 'is missing', { file: name });
  if (!sameIdentity(expected, identity(st))) throw unsafe(name, 'changed after it was validated');
  const seen = new Map<string, number>();
  let count = 0;
  for await (const { line, text } of allLines(path, name, st.size, limits.maxLineBytes)) {
    if (text.trim() === '') continue;
    const where = `${name} line ${line}`;
    // Validation and storage (msgpack) recurse: a 100,000-deep line would overflow the stack.
    if (jsonTextTooDeep(text)) throw invalid(where, tooDeepMessage(), { file: name, line });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw invalid(where, `invalid JSON (${(err as Error).message})`, { file: name, line });
    }
    const problem = check('sfs/message.schema.json', value);
    if (problem) throw invalid(where, problem, { file: name, line, schema: 'sfs/message.schema.json' });
    const msg = value as Message;
    const first = seen.get(msg.msg_id);
    if (first !== undefined) throw invalid(where, `duplicate msg_id ${JSON.stringify(msg.msg_id)} (first on line ${first})`, { file: name, line });
    seen.set(msg.msg_id, line);
    const bad = firstUnsafeRef(messagePathRefs(msg));
    if (bad) throw unsafe(where, bad);
    count++;
    yield msg;
  }
  // A file rewritten while we streamed it would mix two versions.
  const after = await statMember(dir, name, limits.maxMessagesBytes);
  if (!after || !sameIdentity(identity(st), identity(after))) throw unsafe(name, 'changed while it was being read');
  onCount?.(count);
}

export async function readSfsDir(dir: string, limits: Partial<SfsLimits> = {}): Promise<SfsSession> {
  const lim: SfsLimits = { ...DEFAULT_SFS_LIMITS, ...limits };
  let dst: Stats;
  try {
    dst = await lstat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SfsError('NOT_FOUND', `${dir}: no such .sfs directory`, { dir });
    throw new SfsError('IO', `${dir}: ${(err as Error).message}`, { dir }, { cause: err });
  }
  if (dst.isSymbolicLink()) throw unsafe(dir, 'is a symbolic link');
  if (!dst.isDirectory()) throw invalid(dir, 'is not a directory', { dir });

  // Check every member before reading any, so an unsafe file is refused up front.
  const manifestSt = await statMember(dir, SFS_FILES.manifest, lim.maxJsonFileBytes);
  if (!manifestSt) throw invalid(SFS_FILES.manifest, 'is missing', { file: SFS_FILES.manifest });
  const messagesSt = await statMember(dir, SFS_FILES.messages, lim.maxMessagesBytes);
  if (!messagesSt) throw invalid(SFS_FILES.messages, 'is missing', { file: SFS_FILES.messages });
  const workspaceSt = await statMember(dir, SFS_FILES.workspace, lim.maxJsonFileBytes);
  const toolsSt = await statMember(dir, SFS_FILES.tools, lim.maxJsonFileBytes);

  const manifest = (await readJsonFile(dir, SFS_FILES.manifest, lim.maxJsonFileBytes, 'sfs/manifest.schema.json')) as SfsManifest;
  const workspace = workspaceSt ? ((await readJsonFile(dir, SFS_FILES.workspace, lim.maxJsonFileBytes, 'sfs/workspace.schema.json')) as SfsWorkspace) : null;
  const tools = toolsSt ? ((await readJsonFile(dir, SFS_FILES.tools, lim.maxJsonFileBytes, 'sfs/tools.schema.json')) as SfsTools) : null;
  if (workspace) {
    const bad = firstUnsafeRef(workspacePathRefs(workspace));
    if (bad) throw unsafe(SFS_FILES.workspace, bad);
  }

  const validated = identity(messagesSt);
  let messageCount = 0;
  for await (const _ of messagePass(dir, lim, validated, (n) => (messageCount = n))) void _;

  return {
    dir,
    manifest,
    workspace,
    tools,
    messageCount,
    messages: () => messagePass(dir, lim, validated),
  };
}
