/** What a page gives the router: a refresh for live updates, and clean-up when it is left. */
export interface Page {
  refresh?: () => void;
  dispose?: () => void;
}

export function go(hash: string): void {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}
