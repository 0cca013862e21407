import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';
import { LocalSource } from '../cli/ui/api/local-source.js';
import { startUiServer, type UiServer } from '../cli/ui/server.js';
import { LocalLog } from '../engine/log/local-log.js';
import { logDir } from '../engine/paths.js';
import type { Message } from '../engine/model/message.js';
import type { NewEvent } from '../engine/model/events.js';
import { Store } from '../engine/store.js';
import { Corpus, Vocabulary, discovered, sessionId } from './corpus.js';
import { benchPaths } from './fill.js';
import { fmt, median, nowMs, percentile, ratio, tempDir, type Scale, type Section } from './lib.js';

/**
 * The web dashboard in the real browser (Debian's Chromium): time to first render of the session
 * list (lineage-grouped, as it opens, and filtered by a ticket) and of a long session, the time
 * from the End key to its last message (continuous virtual scrolling) and the rows the page then
 * holds, at 20,000 sessions in the store, each against the same page over a store of 100 short
 * sessions (the baseline), interleaved A B A B; and the shipped bundle size.
 */

const WEB_JS = fileURLToPath(new URL('../web/app.js', import.meta.url));
/** The budget scripts/bundle-web.mjs enforces. */
const BUDGET = 150 * 1024;
const CHROMIUM = process.env.SFS_CHROMIUM ?? '/usr/bin/chromium';

/**
 * `sessions` sessions of `per` messages, plus one of `longMessages` (the last one). Like a real
 * store they have lineage — every 7th is a sub-agent of the one before, every 13th a resume of
 * the one before — and every 11th names a ticket in its branch (PROJ-<n>, 500 tickets).
 */
export async function fillStore(home: string, sessions: number, per: number, longMessages: number): Promise<string> {
  const log = await LocalLog.open(logDir(benchPaths(home)));
  const corpus = new Corpus(new Vocabulary(5_000), sessions * per + longMessages);
  let i = 0;
  let group: NewEvent[] = [];
  const flush = async () => {
    if (group.length) await log.append({ events: group });
    group = [];
  };
  try {
    const total = sessions + 1;
    for (let s = 0; s < total; s++) {
      const d = discovered(s);
      if (s < sessions && s % 7 === 6) d.body.parent_session_id = sessionId(s - 1);
      if (s % 11 === 5) d.body.git = { branch: `feature/PROJ-${s % 500}-work` };
      group.push(d);
      if (s < sessions && s % 13 === 12)
        group.push({
          type: 'session.resumed',
          session: sessionId(s),
          body: {
            from_session: sessionId(s - 1),
            at_msg: null,
            target_tool: 'claude-code',
            native_id: `native-${s}`,
            native_path: `/home/dev/.claude/projects/x/native-${s}.jsonl`,
            cwd: '/home/dev/projects/proj0',
            messages_written: per,
            created_at: new Date(Date.UTC(2026, 0, 1) + s * 60_000).toISOString(),
          },
        });
      const n = s === sessions ? longMessages : per;
      for (let done = 0; done < n;) {
        const msgs: Message[] = [];
        // One line per session, every message linked to the one before it, like a real transcript.
        for (const stop = Math.min(n, done + 50); done < stop; done++, i++)
          msgs.push({ ...corpus.message(i, s, 200), msg_id: `s${s}m${done}`, parent_msg_id: done ? `s${s}m${done - 1}` : null });
        group.push({ type: 'messages.captured', session: sessionId(s), body: { messages: msgs } });
        if (group.length >= 50) await flush();
      }
    }
    await flush();
  } finally {
    await log.close();
  }
  const store = await Store.open(benchPaths(home));
  await store.view();
  await store.close();
  return sessionId(sessions);
}

interface Served {
  server: UiServer;
  longId: string;
}

async function serve(home: string, longId: string): Promise<Served> {
  const server = await startUiServer({ source: new LocalSource(benchPaths(home), home), port: 0 });
  return { server, longId };
}

/** Milliseconds from navigation start until `selector` is in the page (a fresh page each time). */
async function firstRender(ctx: BrowserContext, url: string, selector: string): Promise<number> {
  const page = await ctx.newPage();
  try {
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForSelector(selector, { timeout: 60_000 });
    return await page.evaluate(() => performance.now());
  } catch (err) {
    throw new Error(`${url} ${selector}: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    await page.close();
  }
}

/** The long session open at its start: milliseconds from the End key until its last message is in the page, and the rows then in the page. */
async function toEnd(ctx: BrowserContext, url: string, lastIndex: number): Promise<{ ms: number; rows: number }> {
  const page = await ctx.newPage();
  try {
    await page.goto(url);
    await page.waitForSelector('article.msg[data-index="0"]:not(.placeholder)', { timeout: 60_000 });
    const t0 = await page.evaluate(() => performance.now());
    await page.keyboard.press('End');
    await page.waitForSelector(`article.msg[data-index="${lastIndex}"]:not(.placeholder)`, { timeout: 60_000 });
    const t1 = await page.evaluate(() => performance.now());
    return { ms: t1 - t0, rows: await page.locator('#messages article.msg').count() };
  } catch (err) {
    throw new Error(`${url} End → #${lastIndex + 1}: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    await page.close();
  }
}

export async function runUi(scale: Scale): Promise<Section> {
  const big = scale === 'small' ? { sessions: 2_000, long: 3_000 } : { sessions: 20_000, long: 15_000 };
  const small = { sessions: 100, long: 100 };
  const rounds = scale === 'small' ? 2 : 7;
  const tBig = tempDir('ui-big');
  const tSmall = tempDir('ui-small');
  const opened: Array<() => Promise<void>> = [];
  try {
    const t0 = nowMs();
    const bigLong = await fillStore(tBig.dir, big.sessions, 2, big.long);
    const smallLong = await fillStore(tSmall.dir, small.sessions, 2, small.long);
    const fillMs = nowMs() - t0;
    const A = await serve(tBig.dir, bigLong);
    const B = await serve(tSmall.dir, smallLong);
    opened.push(
      () => A.server.close(),
      () => B.server.close(),
    );
    const ctx = await chromium.launchPersistentContext(tempDir('ui-chromium').dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      viewport: { width: 1200, height: 900 },
    });
    opened.push(() => ctx.close());
    // Each server sets its cookie once (the opened URL); then plain URLs.
    for (const s of [A, B]) {
      const p = await ctx.newPage();
      await p.goto(s.server.openUrl);
      await p.close();
    }
    const samples = {
      listA: [] as number[],
      listB: [] as number[],
      ticketA: [] as number[],
      ticketB: [] as number[],
      longA: [] as number[],
      longB: [] as number[],
      endA: [] as number[],
      endB: [] as number[],
    };
    let maxRows = 0;
    // PROJ-5: sessions 5, 137, … in the big store; session 5 alone in the small one.
    const ticket = '#/?ticket=PROJ-5';
    // One warm-up round (Chromium's caches, SQLite's pages), then A B A B.
    for (let r = -1; r < rounds; r++) {
      const la = await firstRender(ctx, A.server.url + '#/', 'a.row');
      const lb = await firstRender(ctx, B.server.url + '#/', 'a.row');
      const ta = await firstRender(ctx, A.server.url + ticket, 'a.row');
      const tb = await firstRender(ctx, B.server.url + ticket, 'a.row');
      const sa = await firstRender(ctx, `${A.server.url}#/session/${A.longId}`, 'article.msg:not(.placeholder)');
      const sb = await firstRender(ctx, `${B.server.url}#/session/${B.longId}`, 'article.msg:not(.placeholder)');
      const ea = await toEnd(ctx, `${A.server.url}#/session/${A.longId}`, big.long - 1);
      const eb = await toEnd(ctx, `${B.server.url}#/session/${B.longId}`, small.long - 1);
      maxRows = Math.max(maxRows, ea.rows);
      if (r < 0) continue;
      samples.listA.push(la);
      samples.listB.push(lb);
      samples.ticketA.push(ta);
      samples.ticketB.push(tb);
      samples.longA.push(sa);
      samples.longB.push(sb);
      samples.endA.push(ea.ms);
      samples.endB.push(eb.ms);
    }
    const js = readFileSync(WEB_JS);
    const css = statSync(path.join(path.dirname(WEB_JS), 'app.css')).size;
    const gz = gzipSync(js).length;
    const listRatio = median(samples.listA) / median(samples.listB);
    const longRatio = median(samples.longA) / median(samples.longB);
    const ticketRatio = median(samples.ticketA) / median(samples.ticketB);
    const endRatio = median(samples.endA) / median(samples.endB);
    const row = (name: string, a: number[], b: number[]) => [
      name,
      `${fmt(median(a))} ms (p90 ${fmt(percentile(a, 90))})`,
      `${fmt(median(b))} ms (p90 ${fmt(percentile(b, 90))})`,
      ratio(median(a), median(b)),
    ];
    return {
      title: 'Web dashboard (sfs ui) in Chromium',
      header: [
        'first render',
        `${fmt(big.sessions)} sessions (+1 of ${fmt(big.long)} messages)`,
        `baseline: ${small.sessions} sessions (+1 of ${small.long})`,
        'ratio',
      ],
      rows: [
        row('session list (first 100 rows, lineage grouped)', samples.listA, samples.listB),
        row('session list filtered by a ticket', samples.ticketA, samples.ticketB),
        row(`long session (first message of ${fmt(big.long)})`, samples.longA, samples.longB),
        row(`long session: End key → its last message`, samples.endA, samples.endB),
        ['rows in the page at the end of the long session', `${maxRows}`, '', ''],
        [
          'shipped JavaScript',
          `${fmt(js.length / 1024, 1)} KiB minified, ${fmt(gz / 1024, 1)} KiB gzip`,
          `budget ${BUDGET / 1024} KiB minified`,
          ratio(js.length, BUDGET),
        ],
        ['stylesheet', `${fmt(css / 1024, 1)} KiB`, '', ''],
      ],
      notes: [
        `Each figure: navigation start to the first row (list) or first message (session) in the page, in a new tab, median of ${rounds} rounds after a warm-up, the two stores interleaved A B A B; both servers run in this process (sfs ui's server over a LocalSource), the browser is headless Chromium ${CHROMIUM}. Store build ${fmt(fillMs / 1000, 1)} s.`,
        'The list pages 100 sessions at a time (lineage roots: sessions that continue no other; every 7th session of the fill is a sub-agent, every 13th a resume, every 11th names a ticket in its branch), and the session view is one virtual list that reads messages 100 at a time as they come into view, so neither should grow with the store: the goals hold the ratio to the small store.',
      ],
      goals: [
        {
          name: `list first render at ${fmt(big.sessions)} sessions ≤ 2× the 100-session store`,
          met: listRatio <= 2,
          detail: `${ratio(median(samples.listA), median(samples.listB))} (${fmt(median(samples.listA))} ms)`,
        },
        {
          name: `${fmt(big.long)}-message session first render ≤ 2× a 100-message one`,
          met: longRatio <= 2,
          detail: `${ratio(median(samples.longA), median(samples.longB))} (${fmt(median(samples.longA))} ms)`,
          hint: 'the message order (orderedRefs) is computed per request; the LocalSource caches it per position',
        },
        {
          name: `ticket-filtered list at ${fmt(big.sessions)} sessions ≤ 2× the 100-session store`,
          met: ticketRatio <= 2,
          detail: `${ratio(median(samples.ticketA), median(samples.ticketB))} (${fmt(median(samples.ticketA))} ms)`,
          hint: 'the ticket filter is a GLOB over every session row (no index): it grows with the store',
        },
        {
          name: `End key to the last of ${fmt(big.long)} messages ≤ 2× for a 100-message session, ≤ 100 rows in the page`,
          met: endRatio <= 2 && maxRows <= 100,
          detail: `${ratio(median(samples.endA), median(samples.endB))} (${fmt(median(samples.endA))} ms), ${maxRows} rows`,
        },
        { name: 'shipped JavaScript ≤ 150 KiB minified', met: js.length <= BUDGET, detail: `${fmt(js.length / 1024, 1)} KiB` },
      ],
    };
  } finally {
    for (const c of opened.reverse()) await c().catch(() => undefined);
    tBig.remove();
    tSmall.remove();
  }
}
