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
 * list and of a long session, at 20,000 sessions in the store, each against the same page over a
 * store of 100 short sessions (the baseline), interleaved A B A B; and the shipped bundle size.
 */

const WEB_JS = fileURLToPath(new URL('../web/app.js', import.meta.url));
/** The budget scripts/bundle-web.mjs enforces. */
const BUDGET = 150 * 1024;
const CHROMIUM = process.env.SFS_CHROMIUM ?? '/usr/bin/chromium';

/** `sessions` sessions of `per` messages, plus one of `longMessages` (the last one). */
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
      group.push(discovered(s));
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
  } finally {
    await page.close();
  }
}

export async function runUi(scale: Scale): Promise<Section> {
  const big = scale === 'small' ? { sessions: 2_000, long: 3_000 } : { sessions: 20_000, long: 15_000 };
  const small = { sessions: 100, long: 100 };
  const rounds = scale === 'small' ? 3 : 7;
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
    const samples = { listA: [] as number[], listB: [] as number[], longA: [] as number[], longB: [] as number[] };
    // One warm-up round (Chromium's caches, SQLite's pages), then A B A B.
    for (let r = -1; r < rounds; r++) {
      const la = await firstRender(ctx, A.server.url + '#/', 'a.row');
      const lb = await firstRender(ctx, B.server.url + '#/', 'a.row');
      const sa = await firstRender(ctx, `${A.server.url}#/session/${A.longId}`, 'article.msg');
      const sb = await firstRender(ctx, `${B.server.url}#/session/${B.longId}`, 'article.msg');
      if (r < 0) continue;
      samples.listA.push(la);
      samples.listB.push(lb);
      samples.longA.push(sa);
      samples.longB.push(sb);
    }
    const js = readFileSync(WEB_JS);
    const css = statSync(path.join(path.dirname(WEB_JS), 'app.css')).size;
    const gz = gzipSync(js).length;
    const listRatio = median(samples.listA) / median(samples.listB);
    const longRatio = median(samples.longA) / median(samples.longB);
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
        row('session list (first 100 rows)', samples.listA, samples.listB),
        row(`long session (first 100 of ${fmt(big.long)} messages)`, samples.longA, samples.longB),
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
        'The list pages 100 sessions at a time and the session view shows windows of 100 messages, so neither should grow with the store: the goals hold the ratio to the small store.',
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
        { name: 'shipped JavaScript ≤ 150 KiB minified', met: js.length <= BUDGET, detail: `${fmt(js.length / 1024, 1)} KiB` },
      ],
    };
  } finally {
    for (const c of opened.reverse()) await c().catch(() => undefined);
    tBig.remove();
    tSmall.remove();
  }
}
