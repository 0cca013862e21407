import { clear, h, shortTime } from '../../dom.js';
import { team, type Device, type Token } from '../../team-api.js';
import { act, ask, errorBox } from '../../ui.js';
import type { Page } from '../page.js';

/**
 * My devices and API tokens: name a device, revoke a device (its token stops working and its open
 * sync connection is closed at once) or a token. Revoking the token this page signed in with signs it out.
 */
export function devicesPage(main: HTMLElement): Page {
  const devices = h('ul', { class: 'items', id: 'devices' });
  const tokens = h('ul', { class: 'items', id: 'tokens' });
  clear(main, h('h1', {}, 'Devices'), devices, h('h1', {}, 'API tokens'), tokens, h('p', {}, h('a', { href: '#/audit' }, 'Your account’s audit log')));

  const deviceItem = (d: Device) =>
    h(
      'li',
      { class: 'item', 'data-device': d.origin },
      h(
        'span',
        { class: 'grow' },
        h('strong', {}, d.name ?? d.origin),
        d.current ? ' (this browser)' : '',
        h('span', { class: 'muted' }, ` · ${d.origin} · last seen ${shortTime(d.last_seen_at)} · ${d.active ? `token ${d.token_name ?? d.token}` : 'revoked'}`),
      ),
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            const v = await ask({ title: `Name ${d.name ?? d.origin}`, fields: [{ name: 'name', label: 'Device name', value: d.name ?? '' }], ok: 'Save' });
            const name = v?.name?.trim();
            if (name) await act({ run: () => team.renameDevice(d.origin, name), done: `device named ${name}`, after: load });
          },
        },
        'Rename',
      ),
      d.active
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () =>
                void act({
                  confirm: {
                    title: `Revoke ${d.name ?? d.origin}?`,
                    body: h('p', {}, 'Its token stops working and its sync connection is closed now. It syncs again only after signing in again.'),
                    ok: 'Revoke device',
                  },
                  run: () => team.revokeDevice(d.origin),
                  done: `${d.name ?? d.origin} revoked`,
                  after: load,
                }),
            },
            'Revoke',
          )
        : null,
    );

  const tokenItem = (t: Token) =>
    h(
      'li',
      { class: 'item', 'data-token': t.id },
      h(
        'span',
        { class: 'grow' },
        h('strong', {}, t.name),
        t.current ? ' (this session)' : '',
        h(
          'span',
          { class: 'muted' },
          ` · created ${shortTime(t.created_at)} · used ${shortTime(t.last_used_at)}${t.revoked_at ? ` · revoked ${shortTime(t.revoked_at)}` : ''}`,
        ),
      ),
      t.revoked_at
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () =>
                void act({
                  confirm: {
                    title: `Revoke the token ${t.name}?`,
                    body: h('p', {}, t.current ? 'This is the token this page uses: you will be signed out.' : 'Whatever uses it stops working now.'),
                    ok: 'Revoke token',
                  },
                  run: () => team.revokeToken(t.id),
                  done: `token ${t.name} revoked`,
                  after: load,
                }),
            },
            'Revoke',
          ),
    );

  async function load(): Promise<void> {
    try {
      const [d, t] = await Promise.all([team.devices(), team.tokens()]);
      clear(devices, ...(d.devices.length ? d.devices.map(deviceItem) : [h('li', { class: 'muted' }, 'No device has synced yet.')]));
      clear(tokens, ...t.tokens.map(tokenItem));
    } catch (err) {
      clear(devices, errorBox(err));
    }
  }
  void load();
  return { refresh: () => void load() };
}
