import { api } from '../api.js';
import { clear, h, shortTime } from '../dom.js';
import { errorBox } from '../ui.js';
import type { Page } from './page.js';

interface ToolStatus {
  tool: string;
  watched: boolean;
  setting: string;
  store_found: boolean;
  sources_seen: number;
  sessions_captured: number;
  messages_added: number;
  last_capture_at: string | null;
  errors: number;
  queue_depth: number;
  quarantined: unknown[];
}

/** Capture (what `sfs daemon status` says, and `sfs doctor` on request) and sync status. */
export function statusPage(main: HTMLElement): Page {
  const capture = h('section', { id: 'capture' });
  const doctor = h('section', { id: 'doctor' });
  const sync = h('section', { id: 'sync' });
  const runDoctor = h('button', { type: 'button', onclick: () => void loadDoctor() }, 'Run doctor');
  clear(main, h('h1', {}, 'Capture'), capture, h('h2', {}, 'Doctor'), runDoctor, doctor, h('h1', {}, 'Sync'), sync);

  const load = async () => {
    try {
      const d = await api.get<{
        running: boolean;
        pid: number | null;
        started_at: string | null;
        status: { phase: string; store_role: string; tools: ToolStatus[] } | null;
      }>('/capture');
      if (!d.running) clear(capture, h('p', {}, 'No daemon running: sessions are captured when a command runs (`sfs daemon start` captures continuously).'));
      else
        clear(
          capture,
          h(
            'p',
            {},
            `daemon running · pid ${d.pid} · since ${shortTime(d.started_at)}${d.status ? ` · ${d.status.phase} · store ${d.status.store_role}` : ''}`,
          ),
          d.status
            ? h(
                'table',
                {},
                h(
                  'tr',
                  {},
                  ...['tool', 'watched', 'store', 'sources', 'sessions', 'messages', 'last capture', 'errors', 'queue', 'quarantined'].map((t) =>
                    h('th', {}, t),
                  ),
                ),
                ...d.status.tools.map((t) =>
                  h(
                    'tr',
                    {},
                    ...[
                      t.tool,
                      t.watched ? 'yes' : t.setting === 'off' ? 'off' : 'no',
                      t.store_found ? 'found' : 'none',
                      t.sources_seen,
                      t.sessions_captured,
                      t.messages_added,
                      shortTime(t.last_capture_at),
                      t.errors,
                      t.queue_depth,
                      t.quarantined.length,
                    ].map((v) => h('td', {}, String(v))),
                  ),
                ),
              )
            : null,
        );
    } catch (err) {
      clear(capture, errorBox(err));
    }
    try {
      const s = await api.get<Record<string, unknown>>('/sync');
      if (!s.signed_in) clear(sync, h('p', {}, 'Not signed in to a relay (sfs auth login). Sessions stay on this machine.'));
      else
        clear(
          sync,
          h(
            'dl',
            { class: 'facts' },
            ...Object.entries(s)
              .filter(([k]) => k !== 'signed_in')
              .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null ? 'not checked' : String(v))]),
          ),
        );
    } catch (err) {
      clear(sync, errorBox(err));
    }
  };

  const loadDoctor = async () => {
    clear(doctor, h('p', { class: 'muted' }, 'Checking…'));
    try {
      const d = await api.get<{ ok: boolean; checks: Array<{ status: string; title: string; summary: string; details: string[] }> }>('/doctor');
      clear(
        doctor,
        h(
          'table',
          {},
          ...d.checks.map((c) =>
            h(
              'tr',
              {},
              h('td', { class: c.status === 'fail' ? 'error' : '' }, c.status),
              h('td', {}, c.title),
              h('td', {}, c.summary, ...c.details.map((x) => h('div', { class: 'muted' }, x))),
            ),
          ),
        ),
      );
    } catch (err) {
      clear(doctor, errorBox(err));
    }
  };
  void load();
  return { refresh: () => void load() };
}
