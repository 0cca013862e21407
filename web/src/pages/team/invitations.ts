import { clear, h, shortTime } from '../../dom.js';
import { team, type Invitation } from '../../team-api.js';
import { act, errorBox } from '../../ui.js';
import type { Page } from '../page.js';

/**
 * Invitations: those waiting for my answer (membership needs my consent: until I accept, the team's
 * sessions are not mine to see) and those pending in the teams I manage, which I may cancel.
 */
export function invitationsPage(main: HTMLElement): Page {
  const received = h('ul', { class: 'items', id: 'received' });
  const sent = h('ul', { class: 'items', id: 'sent' });
  clear(main, h('h1', {}, 'Invitations'), h('h2', {}, 'For you'), received, h('h2', {}, 'Sent by your teams'), sent);

  const item = (i: Invitation, mine: boolean) =>
    h(
      'li',
      { class: 'item', 'data-invitation': i.id },
      h(
        'span',
        { class: 'grow' },
        mine
          ? [h('strong', {}, i.space), ` as ${i.role} · from ${i.invited_by}`]
          : [h('strong', {}, i.username), ` to ${i.space} as ${i.role} · by ${i.invited_by}`],
        h('span', { class: 'muted' }, ` · expires ${shortTime(i.expires_at)}`),
      ),
      ...(mine
        ? [
            h(
              'button',
              { type: 'button', class: 'primary', onclick: () => void act({ run: () => team.accept(i.id), done: `you joined ${i.space}`, after: load }) },
              'Accept',
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: () =>
                  void act({
                    confirm: { title: `Decline the invitation to ${i.space}?`, body: h('p', {}, 'Only a new invitation lets you join later.'), ok: 'Decline' },
                    run: () => team.decline(i.id),
                    done: `invitation to ${i.space} declined`,
                    after: load,
                  }),
              },
              'Decline',
            ),
          ]
        : [
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: () =>
                  void act({
                    confirm: { title: `Cancel the invitation of ${i.username} to ${i.space}?`, ok: 'Cancel invitation' },
                    run: () => team.cancelInvitation(i.space_id, i.id),
                    done: `invitation of ${i.username} cancelled`,
                    after: load,
                  }),
              },
              'Cancel invitation',
            ),
          ]),
    );

  async function load(): Promise<void> {
    try {
      const d = await team.invitations();
      clear(received, ...(d.received.length ? d.received.map((i) => item(i, true)) : [h('li', { class: 'muted' }, 'No invitation waits for you.')]));
      clear(sent, ...(d.sent.length ? d.sent.map((i) => item(i, false)) : [h('li', { class: 'muted' }, 'None pending.')]));
    } catch (err) {
      clear(received, errorBox(err));
    }
  }
  void load();
  return { refresh: () => void load() };
}
