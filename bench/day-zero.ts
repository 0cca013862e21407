import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, nowMs, ratio, runWorker, tempDir, type Scale, type Section } from './lib.js';
import { writeNativeCorpus } from './native-corpus.js';

/**
 * Day-zero import: about 19,000 sessions across the nine tools in a fake home, captured
 * once the way `sfs import --all` does (captureAll over every adapter) in a child process
 * whose peak RSS is measured. Baseline, also in a child: read and JSON.parse every file.
 */
const WORKER = fileURLToPath(new URL('./day-zero-worker.js', import.meta.url));

const child = (args: string[]) => runWorker(WORKER, args);

export async function runDayZero(sc: Scale): Promise<Section> {
  const target = sc === 'small' ? 1900 : 19_000;
  const t = tempDir('day-zero');
  try {
    const home = join(t.dir, 'home');
    mkdirSync(home);
    const g0 = nowMs();
    const corpus = writeNativeCorpus(home, target);
    const genS = (nowMs() - g0) / 1000;
    const raw = await child(['raw', home]);
    const w0 = nowMs();
    const cap = await child(['capture', home, join(t.dir, 'sfs')]);
    const wallMs = nowMs() - w0;
    const rows = [
      ['raw read + JSON.parse', fmt(corpus.sessions), '-', `${fmt(raw.ms / 1000, 2)} s`, '-', fmt(raw.peakRssMb)],
      [
        'captureAll (sfs import --all)',
        fmt(cap.totals.sessionsNew),
        fmt(cap.totals.messagesAdded),
        `${fmt(cap.ms / 1000, 2)} s`,
        `${fmt(wallMs / 1000, 2)} s`,
        fmt(cap.peakRssMb),
      ],
    ];
    const perTool = cap.tools.map((x: any) => `${x.tool} ${fmt(x.sources)} sources / ${fmt(x.sessions)} sessions`).join(', ');
    const limitS = 17.6;
    return {
      title: 'Day-zero import (about 19,000 sessions, nine tools)',
      header: ['pass', 'sessions', 'messages', 'time in process', 'process wall', 'peak RSS MB'],
      rows,
      notes: [
        `Corpus: ${fmt(corpus.sessions)} sessions, ${fmt(corpus.bytes / 2 ** 20, 1)} MB of native files, generated in ${genS.toFixed(1)} s from the fixture files each tool wrote (Claude Code, Codex, Gemini, Copilot, Cline generated-*; Cursor state.vscdb, Amp threads and a Cline-style task for Roo/Kilo from the public fixtures), every UUID remapped per copy.`,
        `Captured per tool: ${perTool}; ${fmt(cap.totals.problems)} problems. Capture vs raw: ${ratio(raw.ms, cap.ms)} of the raw speed.`,
        'Process wall includes node start-up, opening a fresh store and listing every source.',
      ],
      goals: [
        {
          name: `day-zero import < ${limitS} s`,
          met: wallMs / 1000 < limitS && cap.totals.sessionsNew >= corpus.sessions * 0.99,
          detail: `${fmt(wallMs / 1000, 2)} s for ${fmt(cap.totals.sessionsNew)} sessions (raw read + parse ${fmt(raw.ms / 1000, 2)} s)`,
        },
        { name: 'day-zero import peak RSS < 500 MB', met: cap.peakRssMb < 500, detail: `${fmt(cap.peakRssMb)} MB (raw ${fmt(raw.peakRssMb)} MB)` },
      ],
    };
  } finally {
    t.remove();
  }
}
