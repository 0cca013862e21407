import { clear, h, shortTime } from '../../dom.js';
import { team, type Handoff } from '../../team-api.js';
import { act, errorBox } from '../../ui.js';
import type { Page } from '../page.js';

/**
 * The handoff inbox: sessions handed to me (who sent it, from which device, its title, the message and
 * until when it can be taken), to take or decline; and the handoffs I sent, which I may cancel while pending.
 */
export function inboxPage(main: HTMLElement): Page {
  const received = h('ul', { class: 'items', id: 'received' });
  const sent = h('ul', { class: 'items', id: 'sent' });
  const invitations = h('div', {});
  clear(main, h('h1', {}, 'Inbox'), invitations, h('h2', {}, 'Handed to you'), received, h('h2', {}, 'Sent by you'), sent);

  const label = (x: Handoff) => x.title ?? x.session;
  const item = (x: Handoff, mine: boolean) => {
    const pending = x.state === 'pending';
    return h(
      'li',
      { class: `item${pending ? '' : ' done'}`, 'data-handoff': x.id },
      h(
        'span',
        { class: 'grow' },
        h('strong', {}, label(x)),
        x.tool ? h('span', { class: 'badge' }, x.tool) : null,
        h('br'),
        h(
          'span',
          { class: 'muted' },
          mine ? `from ${x.from}${x.device ? ` on ${x.device}` : ''}` : `to ${x.to}`,
          ` · sent ${shortTime(x.created_at)} · `,
          pending ? `can be taken until ${shortTime(x.expires_at)}` : x.state,
        ),
        x.message ? h('blockquote', { class: 'message' }, x.message) : null,
        x.state === 'accepted' && mine ? h('div', { class: 'muted' }, `On a device: sfs pull-handoff ${x.id}, then sfs resume ${x.session}`) : null,
      ),
      ...(pending && mine
        ? [
            h(
              'button',
              {
                type: 'button',
                class: 'primary',
                onclick: () =>
                  void act({
                    run: () => team.takeHandoff(x.id),
                    done: `${label(x)} is yours: on a device, sfs pull-handoff ${x.id} fetches it`,
                    after: load,
                  }),
              },
              'Take',
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'danger',
                onclick: () =>
                  void act({
                    confirm: { title: `Decline ${label(x)}?`, body: h('p', {}, `${x.from} will see that you declined it.`), ok: 'Decline' },
                    run: () => team.declineHandoff(x.id),
                    done: 'handoff declined',
                    after: load,
                  }),
              },
              'Decline',
            ),
          ]
        : []),
      pending && !mine
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () =>
                void act({
                  confirm: { title: `Cancel the handoff of ${label(x)} to ${x.to}?`, ok: 'Cancel handoff' },
                  run: () => team.cancelHandoff(x.id),
                  done: 'handoff cancelled',
                  after: load,
                }),
            },
            'Cancel handoff',
          )
        : null,
    );
  };

  async function load(): Promise<void> {
    try {
      const [d, i] = await Promise.all([team.handoffs(), team.invitations()]);
      const n = i.received.length;
      clear(
        invitations,
        n
          ? h('p', { class: 'card' }, `${n} team invitation${n === 1 ? '' : 's'} waiting for your answer: `, h('a', { href: '#/invitations' }, 'answer'))
          : null,
      );
      clear(received, ...(d.received.length ? d.received.map((x) => item(x, true)) : [h('li', { class: 'muted' }, 'Nothing handed to you.')]));
      clear(sent, ...(d.sent.length ? d.sent.map((x) => item(x, false)) : [h('li', { class: 'muted' }, 'You have not handed anything off (sfs handoff).')]));
    } catch (err) {
      clear(received, errorBox(err));
    }
  }
  void load();
  return { refresh: () => void load() };
}
