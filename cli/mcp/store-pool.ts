import { type SfsPaths, Store } from '../../engine/index.js';

/**
 * The MCP server opens the store on the first tool call and closes it after a quiet
 * spell, so a long-lived server does not hold the store's ownership while idle: the
 * daemon, the CLI and other MCP servers then take it over cleanly (DESIGN §6).
 */
export class StorePool {
  private store: Promise<Store> | undefined;
  private closing: Promise<void> = Promise.resolve();
  private users = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly paths: SfsPaths,
    private readonly idleMs = 5000,
  ) {}

  async use<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.users++;
    try {
      if (!this.store) {
        const opening = this.closing.then(() => Store.open(this.paths));
        this.store = opening;
        opening.catch(() => {
          if (this.store === opening) this.store = undefined;
        });
      }
      return await fn(await this.store);
    } finally {
      if (--this.users === 0) {
        this.timer = setTimeout(() => void this.close(), this.idleMs);
        this.timer.unref();
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const s = this.store;
    this.store = undefined;
    if (!s) return this.closing;
    this.closing = s
      .then(
        (st) => st.close(),
        () => undefined,
      )
      .catch(() => undefined);
    return this.closing;
  }
}
