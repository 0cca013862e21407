import { clear, h, shortTime } from '../../dom.js';
import { team, type Policy, type SpaceDetail } from '../../team-api.js';
import { act, errorBox } from '../../ui.js';
import { go, type Page } from '../page.js';

const POLICIES: Array<[Policy, string]> = [
  ['warn', 'warn: store secrets as pushed, flag them'],
  ['redact', 'redact: replace secrets before they are stored'],
  ['block', 'block: refuse sessions that hold secrets'],
];

/**
 * One space: its members and their roles, pending invitations and the DLP policy. Owners and admins
 * change roles, remove members, invite, cancel invitations and set the policy (the relay decides who
 * may; the page only hides what the caller's role cannot do). Everyone can leave a team they do not own.
 */
export function spacePage(main: HTMLElement, ref: string): Page {
  const body = h('div', {});
  clear(main, body);

  async function load(): Promise<void> {
    let s: SpaceDetail;
    try {
      s = await team.space(ref);
    } catch (err) {
      clear(body, h('p', {}, h('a', { href: '#/team' }, '← Team')), errorBox(err));
      return;
    }
    const manages = s.role === 'owner' || s.role === 'admin';
    const isTeam = s.kind === 'team';
    clear(
      body,
      h('p', {}, h('a', { href: '#/team' }, '← Team')),
      h('div', { class: 'head' }, h('h1', {}, s.name)),
      h('p', { class: 'muted' }, `${isTeam ? 'team' : 'personal space'} · you are ${s.role} · since ${shortTime(s.created_at)}`),
      h('h2', {}, 'Members'),
      h('ul', { class: 'items', id: 'members' }, ...s.members.map((m) => memberItem(s, m, manages))),
      manages && isTeam ? inviteForm(s) : null,
      s.invitations?.length ? h('h2', {}, 'Pending invitations') : null,
      s.invitations?.length
        ? h(
            'ul',
            { class: 'items', id: 'pending' },
            ...s.invitations.map((i) =>
              h(
                'li',
                { class: 'item' },
                h('span', { class: 'grow' }, h('strong', {}, i.username), ` as ${i.role} · invited by ${i.invited_by} · expires ${shortTime(i.expires_at)}`),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'danger',
                    onclick: () =>
                      void act({
                        confirm: {
                          title: `Cancel the invitation of ${i.username}?`,
                          body: h('p', {}, `${i.username} will no longer be able to join ${s.name} with it.`),
                          ok: 'Cancel invitation',
                        },
                        run: () => team.cancelInvitation(s.id, i.id),
                        done: `invitation of ${i.username} cancelled`,
                        after: load,
                      }),
                  },
                  'Cancel invitation',
                ),
              ),
            ),
          )
        : null,
      h('h2', {}, 'Data loss prevention'),
      policyForm(s, manages),
      manages ? h('p', {}, h('a', { href: `#/audit/${encodeURIComponent(s.id)}` }, 'Audit log of this space')) : null,
      isTeam && s.role !== 'owner'
        ? h(
            'p',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: () =>
                  void act({
                    confirm: {
                      title: `Leave ${s.name}?`,
                      body: h('p', {}, 'You will no longer see its sessions; only a new invitation lets you back in.'),
                      ok: 'Leave',
                    },
                    run: () => team.remove(s.id, s.me),
                    done: `you left ${s.name}`,
                  }).then((left) => left && go('#/team')),
              },
              'Leave team',
            ),
          )
        : null,
    );
  }

  function memberItem(s: SpaceDetail, m: SpaceDetail['members'][number], manages: boolean): HTMLElement {
    const self = m.username === s.me;
    const editable = manages && m.role !== 'owner' && !self;
    const role = editable
      ? h(
          'select',
          { 'aria-label': `Role of ${m.username}`, name: 'role' },
          ...(['member', 'admin'] as const).map((r) => h('option', { value: r, selected: r === m.role }, r)),
        )
      : h('span', { class: 'badge' }, m.role);
    if (role instanceof HTMLSelectElement)
      role.addEventListener('change', () => {
        const to = role.value as 'admin' | 'member';
        void act({ run: () => team.setRole(s.id, m.username, to), done: `${m.username} is now ${to}`, after: load });
      });
    return h(
      'li',
      { class: 'item', 'data-member': m.username },
      h('span', { class: 'grow' }, h('strong', {}, m.username), self ? ' (you)' : '', h('span', { class: 'muted' }, ` · since ${shortTime(m.created_at)}`)),
      role,
      editable
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () =>
                void act({
                  confirm: {
                    title: `Remove ${m.username} from ${s.name}?`,
                    body: h('p', {}, `${m.username} will no longer see the team's sessions.`),
                    ok: 'Remove',
                  },
                  run: () => team.remove(s.id, m.username),
                  done: `${m.username} removed`,
                  after: load,
                }),
            },
            'Remove',
          )
        : null,
    );
  }

  function inviteForm(s: SpaceDetail): HTMLElement {
    const user = h('input', { name: 'username', placeholder: 'username', 'aria-label': 'Username to invite', required: true, maxlength: 39 });
    const role = h('select', { name: 'role', 'aria-label': 'Role' }, h('option', { value: 'member' }, 'member'), h('option', { value: 'admin' }, 'admin'));
    const form = h('form', { class: 'actions', id: 'invite' }, user, role, h('button', { type: 'submit', class: 'primary' }, 'Invite'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const u = user.value.trim();
      if (u) void act({ run: () => team.invite(s.id, u, role.value as 'admin' | 'member'), done: `${u} invited: they join when they accept`, after: load });
    });
    return form;
  }

  function policyForm(s: SpaceDetail, manages: boolean): HTMLElement {
    if (!manages) return h('p', {}, `Policy: ${s.dlp_policy}`);
    const select = h(
      'select',
      { name: 'policy', 'aria-label': 'DLP policy' },
      ...POLICIES.map(([p, label]) => h('option', { value: p, selected: p === s.dlp_policy }, label)),
    );
    select.addEventListener('change', () => {
      const p = select.value as Policy;
      void act({
        // Weakening what is stored is the change that cannot be taken back; it asks.
        confirm:
          p === 'warn'
            ? {
                title: `Store secrets in ${s.name} as pushed?`,
                body: h('p', {}, 'With warn, secrets found in sessions are kept and only flagged.'),
                ok: 'Set warn',
              }
            : undefined,
        run: () => team.setPolicy(s.id, p),
        done: `policy of ${s.name}: ${p}`,
        after: load,
      });
    });
    return h('p', {}, h('label', {}, 'Policy ', select));
  }

  void load();
  return { refresh: () => void load() };
}
