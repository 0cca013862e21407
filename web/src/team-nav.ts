import { team } from './team-api.js';

/**
 * Shows the team links when the host is a relay (it answers the team API; `sfs ui` does not), with
 * the number of handoffs and invitations waiting for an answer beside Inbox.
 */
export async function teamNav(): Promise<void> {
  let waiting: number;
  try {
    const [h, i] = await Promise.all([team.handoffs(), team.invitations()]);
    waiting = h.received.filter((x) => x.state === 'pending').length + i.received.length;
  } catch {
    return; // not a relay, or signed out: the links stay hidden
  }
  for (const a of document.querySelectorAll<HTMLElement>('[data-team]')) a.hidden = false;
  const inbox = document.getElementById('nav-inbox');
  if (inbox) inbox.textContent = waiting ? `Inbox (${waiting})` : 'Inbox';
}
