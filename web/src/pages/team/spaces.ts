import { clear, h, shortTime } from '../../dom.js';
import { team } from '../../team-api.js';
import { act, errorBox } from '../../ui.js';
import { go, type Page } from '../page.js';

/** The team page: the spaces I belong to with my role, invitations waiting for my answer, and a new team. */
export function spacesPage(main: HTMLElement): Page {
  const waiting = h('section', { id: 'waiting', 'aria-live': 'polite' });
  const list = h('section', { id: 'spaces' });
  const name = h('input', { name: 'team', placeholder: 'new team name', 'aria-label': 'New team name', required: true, maxlength: 39 });
  const form = h('form', { class: 'actions' }, name, h('button', { type: 'submit', class: 'primary' }, 'Create team'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = name.value.trim();
    if (!n) return;
    void act({ run: () => team.create(n), done: `created ${n}`, after: load }).then((made) => made && go(`#/team/${encodeURIComponent(n)}`));
  });
  clear(main, h('h1', {}, 'Team'), waiting, list, h('h2', {}, 'New team'), form);

  async function load(): Promise<void> {
    try {
      const [{ spaces }, { received }] = await Promise.all([team.spaces(), team.invitations()]);
      clear(
        waiting,
        received.length
          ? h(
              'p',
              { class: 'card' },
              `${received.length} invitation${received.length === 1 ? '' : 's'} waiting for your answer: `,
              h('a', { href: '#/invitations' }, 'answer'),
            )
          : null,
      );
      clear(
        list,
        ...spaces.map((s) =>
          h(
            'a',
            { class: 'row', href: `#/team/${encodeURIComponent(s.id)}`, 'data-space': s.name },
            h('span', { class: 'title' }, s.name),
            h('span', {}, h('span', { class: 'badge' }, s.role)),
            h(
              'span',
              { class: 'meta' },
              `${s.kind === 'personal' ? 'personal space' : `${s.members} member${s.members === 1 ? '' : 's'}`} · policy ${s.dlp_policy} · since ${shortTime(s.created_at)}`,
            ),
          ),
        ),
      );
    } catch (err) {
      clear(list, errorBox(err));
    }
  }
  void load();
  return { refresh: () => void load() };
}
