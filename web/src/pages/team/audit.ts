import { clear, h, shortTime } from '../../dom.js';
import { team, type AuditEntry } from '../../team-api.js';
import { errorBox } from '../../ui.js';
import type { Page } from '../page.js';

/** A space's audit log (its owner and admins), or without a space my account's own: newest first, older on request. */
export function auditPage(main: HTMLElement, space: string | null): Page {
  const table = h('table', { id: 'audit' }, h('tr', {}, ...['when', 'who', 'what', 'space', 'target', 'details'].map((t) => h('th', {}, t))));
  const more = h('button', { type: 'button', hidden: true }, 'Older entries');
  const title = h('h1', {}, space ? 'Audit log' : 'Your audit log');
  clear(
    main,
    space ? h('p', {}, h('a', { href: `#/team/${encodeURIComponent(space)}` }, '← Space')) : null,
    title,
    h('div', { class: 'scroll' }, table),
    h('div', { class: 'pager' }, more),
  );
  let oldest: number | undefined;

  const row = (e: AuditEntry) =>
    h(
      'tr',
      {},
      h('td', {}, shortTime(e.at)),
      h('td', {}, e.actor),
      h('td', {}, e.action),
      h('td', {}, e.space ?? ''),
      h('td', {}, e.target ?? ''),
      h(
        'td',
        { class: 'muted' },
        Object.entries(e.details)
          .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(', '),
      ),
    );

  async function load(next: boolean): Promise<void> {
    try {
      const d = space ? await team.spaceAudit(space, next ? oldest : undefined) : await team.audit(next ? oldest : undefined);
      if (!next) {
        while (table.rows.length > 1) table.deleteRow(1);
        if ('space' in d) title.textContent = `Audit log of ${String(d.space)}`;
      }
      table.append(...d.entries.map(row));
      oldest = d.entries.at(-1)?.id ?? oldest;
      more.hidden = d.entries.length < 100;
    } catch (err) {
      clear(main, space ? h('p', {}, h('a', { href: `#/team/${encodeURIComponent(space)}` }, '← Space')) : null, errorBox(err));
    }
  }
  more.addEventListener('click', () => void load(true));
  void load(false);
  return { refresh: () => void load(false) };
}
