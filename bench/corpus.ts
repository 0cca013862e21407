import type { NewEvent } from '../engine/model/events.js';
import type { Message } from '../engine/model/message.js';
import { rng } from './lib.js';

/**
 * Synthetic but English-like session text. One Zipf distribution (s ≈ 1) runs over the
 * whole vocabulary with function words at the head, as in real English, so "the" is
 * ~6 % of tokens while a typical content word is rare. Messages mix prose with code
 * identifiers and file paths; some assistant messages carry a tool call.
 */

const STOP = `the of and to a in is it that for you this on with as be are was not or but at by from have
an if can we will so all do there which one has what they when their would more about out up use them then
no my its just also into only like some could than other these two how our any may should after first been
very most where here need now new same such because each way over does did before here let me i`.split(/\s+/);

const CONTENT = `file function error test build run code change update fix add remove config type value
data model server client request response session message event log store index query search result user
tool read write path directory module import export package version install command output input line
string number object array list map key name id time date format parse check validate handle return call
method class interface field property state cache memory disk process thread worker queue batch stream
buffer socket network connection database table column row schema migration transaction commit branch
merge rebase diff patch review comment issue bug crash failure warning exception stack trace debug print
console terminal shell script environment variable setting option flag argument parameter default local
remote origin sync replicate projection rebuild fold apply append snapshot checkpoint fork alias tag title
project workspace folder source target compile bundle deploy release publish pipeline job step stage
lint format style rule plugin extension adapter capture resume export import render table column page
limit offset sort order filter match token text word phrase prefix suffix pattern regex escape quote
encode decode serialize compress hash sign verify key secret auth login logout permission role owner
guest lock unlock wait retry timeout deadline latency throughput benchmark profile measure figure goal`.split(/\s+/);

const SYLLABLES = 'ka ro mi ten vel sar dun bri pol exa mor tin gal zen lur fas nod pre quo ris tam ul vex win yor'.split(' ');
const DIRS = 'src lib engine cli adapters server test bench docs scripts tools utils core api web app'.split(' ');
const EXTS = 'ts js json md py rs go sql yaml toml'.split(' ');

/** Rare terms planted in a handful of messages each, for "needle" queries. */
export const RARE = Array.from({ length: 20 }, (_, i) => `qzx${i}needle${(i * 7919) % 997}`);
const RARE_COPIES = 3;

export class Vocabulary {
  readonly words: string[];
  readonly stopCount: number;
  private readonly cdf: Float64Array;

  constructor(size = 30_000) {
    const next = rng(7);
    const words = [...STOP, ...CONTENT];
    const seen = new Set(words);
    while (words.length < size) {
      const n = 2 + Math.floor(next() * 3);
      let w = '';
      for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
      if (!seen.has(w)) {
        seen.add(w);
        words.push(w);
      }
    }
    this.words = words;
    this.stopCount = STOP.length;
    this.cdf = zipfCdf(words.length, 1.0);
  }

  /** A word drawn from the whole distribution (for text). */
  word(r: () => number): string {
    return this.words[sample(this.cdf, r())]!;
  }

  /** A word drawn from the same distribution, conditioned on not being a function word (for queries). */
  contentWord(r: () => number): string {
    const lo = this.cdf[this.stopCount - 1]!;
    return this.words[sample(this.cdf, lo + r() * (1 - lo))]!;
  }
}

function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  return cdf;
}

function sample(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function sessionId(i: number): string {
  return `ses_bench${String(i).padStart(10, '0')}`;
}

/** Generates the messages of a corpus deterministically, message by message. */
export class Corpus {
  private readonly r: () => number;
  private readonly rareAt = new Map<number, string>();

  constructor(
    readonly vocab: Vocabulary,
    readonly totalMessages: number,
    seed = 42,
  ) {
    this.r = rng(seed);
    RARE.forEach((term, i) => {
      for (let j = 0; j < RARE_COPIES; j++) this.rareAt.set((i * 104_729 + j * 1_299_709 + 17) % totalMessages, term);
    });
  }

  private identifier(): string {
    const a = this.vocab.contentWord(this.r);
    const b = this.vocab.contentWord(this.r);
    return this.r() < 0.6 ? a + b[0]!.toUpperCase() + b.slice(1) + '()' : `${a}_${b}`;
  }

  private path(): string {
    const d1 = DIRS[Math.floor(this.r() * DIRS.length)]!;
    const d2 = this.vocab.contentWord(this.r);
    const f = this.vocab.contentWord(this.r) + '-' + this.vocab.contentWord(this.r);
    return `${d1}/${d2}/${f}.${EXTS[Math.floor(this.r() * EXTS.length)]}`;
  }

  /** Prose with code tokens and paths, about `bytes` long. */
  text(bytes: number): string {
    const parts: string[] = [];
    let len = 0;
    let sentence = 0;
    while (len < bytes) {
      const u = this.r();
      let tok = u < 0.04 ? this.identifier() : u < 0.06 ? this.path() : this.vocab.word(this.r);
      if (sentence === 0) tok = tok[0]!.toUpperCase() + tok.slice(1);
      sentence++;
      if (sentence > 6 && this.r() < 0.12) {
        tok += '.';
        sentence = 0;
      }
      parts.push(tok);
      len += tok.length + 1;
    }
    return parts.join(' ');
  }

  /** Message number `i` (0-based, global) of a session; ~`bytes` of text in total. */
  message(i: number, sessionIdx: number, bytes: number): Message {
    const role = i % 2 === 0 ? 'user' : 'assistant';
    const ts = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    let text = this.text(bytes);
    const rare = this.rareAt.get(i);
    if (rare) text += ` ${rare}`;
    const content: Message['content'] = [{ type: 'text', text }];
    if (role === 'assistant' && this.r() < 0.25) {
      content.push({ type: 'tool_use', tool_use_id: `tu_${i}`, name: 'Read', input: { file_path: this.path() } });
    }
    return {
      msg_id: `m${String(i).padStart(9, '0')}`,
      parent_msg_id: i % 100 === 0 ? null : `m${String(i - 1).padStart(9, '0')}`,
      role,
      content,
      timestamp: ts,
      model: role === 'assistant' ? 'claude-sonnet-4' : null,
      usage: role === 'assistant' ? { input_tokens: 1200 + sessionIdx, output_tokens: 300 } : null,
    };
  }
}

export function discovered(sessionIdx: number): NewEvent<'session.discovered'> {
  return {
    type: 'session.discovered',
    session: sessionId(sessionIdx),
    body: {
      tool: sessionIdx % 3 === 0 ? 'codex' : 'claude-code',
      native_id: `native-${sessionIdx}`,
      cwd: `/home/dev/projects/proj${sessionIdx % 40}`,
      git: { branch: `feature/b${sessionIdx % 17}` },
      title: `Session ${sessionIdx}`,
      created_at: new Date(Date.UTC(2026, 0, 1) + sessionIdx * 60_000).toISOString(),
      via: 'capture',
    },
  };
}

/**
 * The event stream of a corpus: per session one session.discovered, then
 * messages.captured events of `perEvent` messages. Yields append-sized groups.
 */
export function* corpusEvents(o: {
  sessions: number;
  messages: number;
  bytes: number;
  perEvent: number;
  perAppend: number;
  seed?: number;
}): Generator<NewEvent[]> {
  const vocab = new Vocabulary();
  const corpus = new Corpus(vocab, o.messages, o.seed);
  const perSession = Math.ceil(o.messages / o.sessions);
  let group: NewEvent[] = [];
  let i = 0;
  for (let s = 0; s < o.sessions && i < o.messages; s++) {
    group.push(discovered(s));
    const end = Math.min(o.messages, i + perSession);
    while (i < end) {
      const msgs: Message[] = [];
      for (const stop = Math.min(end, i + o.perEvent); i < stop; i++) msgs.push(corpus.message(i, s, o.bytes));
      group.push({ type: 'messages.captured', session: sessionId(s), body: { messages: msgs } });
      if (group.length >= o.perAppend) {
        yield group;
        group = [];
      }
    }
  }
  if (group.length) yield group;
}

/**
 * Search queries, deterministic for a given store: 10 % a camelCase identifier, 30 % one
 * content word, 30 % 2–3 independent content words (often no hit, as in real use), 30 %
 * 2–3 words that occur together in a stored message (`pickText` returns one), plus the
 * planted rare terms. Content words follow the text's own Zipf distribution.
 */
export function queries(count: number, pickText: (r: () => number) => string, seed = 99): string[] {
  const vocab = new Vocabulary();
  const stop = new Set(STOP);
  const r = rng(seed);
  const out: string[] = [];
  const words = (n: number) => Array.from({ length: n }, () => vocab.contentWord(r));
  for (let q = 0; q < count; q++) {
    const u = r();
    const n = 2 + Math.floor(r() * 2);
    if (u < 0.1) out.push(words(1)[0]! + vocab.contentWord(r).replace(/^./, (c) => c.toUpperCase()));
    else if (u < 0.4) out.push(words(1)[0]!);
    else if (u < 0.7) out.push(words(n).join(' '));
    else {
      const found = (
        pickText(r)
          .toLowerCase()
          .match(/[a-z]{3,}/g) ?? []
      ).filter((w) => !stop.has(w));
      const at = Math.floor(r() * Math.max(1, found.length - n));
      out.push(found.length >= n ? found.slice(at, at + n).join(' ') : words(n).join(' '));
    }
  }
  for (const term of RARE) out.push(term);
  return out;
}
