import { api, query, type SessionSummary } from './api.js';
import { h } from './dom.js';
import { go } from './pages/page.js';
import { can, host } from './host.js';

interface Command {
  label: string;
  run: () => void;
}

/** Ctrl-K: go to a page, toggle the theme, or open a session by typing part of its title, alias or id. */
export function openPalette(toggleTheme: () => void): void {
  if (document.querySelector('dialog.palette')) return;
  // Only the pages this host serves (the relay has no knowledge, context, rules or capture pages).
  const fixed: Command[] = [
    { label: 'Go to sessions', run: () => go('#/') },
    { label: 'Go to trash', run: () => go('#/?deleted=1') },
    can('knowledge') && { label: 'Go to knowledge', run: () => go('#/knowledge') },
    can('project') && { label: 'Go to project context', run: () => go('#/context') },
    can('rules') && { label: 'Go to rules', run: () => go('#/rules') },
    can('capture') && { label: 'Go to capture and sync status', run: () => go('#/status') },
    ...(host.kind === 'relay' && host.account
      ? [
          { label: 'Go to team', run: () => go('#/team') },
          { label: 'Go to handoff inbox', run: () => go('#/inbox') },
          { label: 'Go to invitations', run: () => go('#/invitations') },
          { label: 'Go to devices and tokens', run: () => go('#/devices') },
          { label: 'Go to your audit log', run: () => go('#/audit') },
        ]
      : []),
    { label: 'Toggle light / dark theme', run: toggleTheme },
  ].filter((c): c is Command => !!c);
  const input = h('input', { type: 'text', placeholder: 'Type a command or a session…', 'aria-label': 'Command' });
  const ul = h('ul', { role: 'listbox' });
  const dialog = h('dialog', { class: 'palette' }, input, ul);
  let items: Command[] = [];
  let sel = 0;
  let gen = 0;
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  const draw = () => {
    ul.replaceChildren(
      ...items.map((c, i) =>
        h(
          'li',
          {
            class: i === sel ? 'sel' : '',
            role: 'option',
            onclick: () => {
              close();
              c.run();
            },
          },
          c.label,
        ),
      ),
    );
  };
  const update = async () => {
    const text = input.value.trim().toLowerCase();
    const mine = ++gen;
    items = fixed.filter((c) => c.label.toLowerCase().includes(text));
    if (text) items.push({ label: `Search for "${input.value.trim()}"`, run: () => go(`#/search?q=${encodeURIComponent(input.value.trim())}`) });
    sel = 0;
    draw();
    if (text.length < 2) return;
    try {
      const d = await api.get<{ sessions: SessionSummary[] }>(`/sessions${query({ text, limit: 8 })}`);
      if (mine !== gen) return;
      items.push(
        ...d.sessions.map((s) => ({
          label: `Open ${s.alias ? `${s.alias} · ` : ''}${s.title.slice(0, 80)} (${s.tool})`,
          run: () => go(`#/session/${encodeURIComponent(s.id)}`),
        })),
      );
      draw();
    } catch {
      // The fixed commands are still there.
    }
  };
  input.addEventListener('input', () => void update());
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') sel = Math.min(items.length - 1, sel + 1);
    else if (e.key === 'ArrowUp') sel = Math.max(0, sel - 1);
    else if (e.key === 'Enter') {
      const c = items[sel];
      close();
      c?.run();
      return;
    } else return;
    e.preventDefault();
    draw();
  });
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    close();
  });
  document.body.append(dialog);
  dialog.showModal();
  void update();
}
