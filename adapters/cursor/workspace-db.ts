import type Database from 'better-sqlite3';
import { readRegularFileSync, type CaptureProblem, type CapturedSession, type Message, parseJsonBounded } from '../../engine/adapter-kit.js';
import path from 'node:path';
import { bubbleMessages, timeOf } from './bubble.js';
import { composerSession } from './composer.js';
import { finishMessages } from './finish.js';
import { valueText } from '../shared/sqlite.js';
import { isObj, optStr, type Raw } from '../shared/values.js';

/**
 * Per-workspace DBs (`workspaceStorage/<hash>/state.vscdb`, VS Code's `ItemTable`): older
 * Cursor kept whole conversations here — composers with inline bubbles and the old chat
 * panel's tabs. Newer ones keep only an index of composer ids, used to give global
 * composers their project folder.
 */

export function itemJson(db: Database.Database, key: string, dbPath: string, problems: CaptureProblem[]): Raw | null {
  const row = db.prepare('SELECT value FROM ItemTable WHERE key = ?').get(key) as { value: unknown } | undefined;
  const text = row ? valueText(row.value) : null;
  if (text === null) return null;
  try {
    const v = parseJsonBounded(text);
    return isObj(v) ? v : null;
  } catch (e) {
    problems.push({ path: dbPath, where: key, message: `invalid JSON: ${(e as Error).message}` });
    return null;
  }
}

/** The folder a workspace DB belongs to, from `workspace.json` beside it. */
export function workspaceFolder(dbPath: string): string | null {
  try {
    const ws = parseJsonBounded(readRegularFileSync(path.join(path.dirname(dbPath), 'workspace.json')).toString('utf8')) as Raw;
    const uri = optStr(ws.folder) ?? optStr(ws.workspace);
    if (!uri) return null;
    const p = uri.startsWith('file:') ? decodeURIComponent(new URL(uri).pathname).replace(/^\/([A-Za-z]:)/, '$1') : uri;
    return ws.folder ? p : path.dirname(p); // a multi-root .code-workspace file: its folder
  } catch {
    return null;
  }
}

/** Composer ids listed by a workspace DB (modern index or legacy inline). */
export function composerIds(db: Database.Database, dbPath: string): string[] {
  const data = itemJson(db, 'composer.composerData', dbPath, []);
  const all = data && Array.isArray(data.allComposers) ? data.allComposers.filter(isObj) : [];
  return all.map((c) => optStr(c.composerId)).filter((x): x is string => x !== null);
}

function chatTabSession(tab: Raw, dbPath: string, cwd: string | null): CapturedSession | null {
  const tabId = optStr(tab.tabId);
  if (!tabId || !Array.isArray(tab.bubbles)) return null;
  const messages: Message[] = [];
  for (const b of tab.bubbles) if (isObj(b) && optStr(b.id)) messages.push(...bubbleMessages(b.id as string, b));
  if (messages.length === 0) return null;
  const firstUser = messages.find((m) => m.role === 'user')?.content.find((b) => b.type === 'text') as { text: string } | undefined;
  return {
    nativeId: tabId,
    header: {
      native_id: tabId,
      native_path: dbPath,
      cwd,
      model: messages.find((m) => m.model) ? { model_id: messages.find((m) => m.model)!.model! } : null,
      title: optStr(tab.chatTitle) ?? (firstUser ? firstUser.text.replace(/\s+/g, ' ').trim().slice(0, 200) : null),
      // Chat tabs carry no creation time; their last send is the best there is.
      created_at: timeOf(tab.lastSendTime) ?? new Date(0).toISOString(),
      interface: 'ide',
    },
    messages: finishMessages(messages),
    parentNativeId: null,
  };
}

export function readWorkspaceDb(db: Database.Database, dbPath: string, problems: CaptureProblem[]): CapturedSession[] {
  const cwd = workspaceFolder(dbPath);
  const out: CapturedSession[] = [];
  const composers = itemJson(db, 'composer.composerData', dbPath, problems);
  for (const c of composers && Array.isArray(composers.allComposers) ? composers.allComposers : []) {
    if (!isObj(c) || !optStr(c.composerId)) continue;
    if (!Array.isArray(c.conversation) && !isObj(c.conversationMap)) continue; // modern index entry: the global DB has it
    const s = composerSession(c.composerId as string, c, { dbPath, bubbles: new Map(), cwd, parentId: null, problems });
    if (s.messages.length) out.push(s);
  }
  const chat = itemJson(db, 'workbench.panel.aichat.view.aichat.chatdata', dbPath, problems);
  for (const tab of chat && Array.isArray(chat.tabs) ? chat.tabs : []) {
    if (!isObj(tab)) continue;
    const s = chatTabSession(tab, dbPath, cwd);
    if (s) out.push(s);
  }
  return out;
}
