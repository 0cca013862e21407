/** Stands in for `linkify-it` in the browser bundle: the dashboard's Markdown has linkify off, so it is never asked anything. */
export default class LinkifyOff {
  set(): this {
    return this;
  }
  add(): this {
    return this;
  }
  tlds(): this {
    return this;
  }
  pretest(): boolean {
    return false;
  }
  test(): boolean {
    return false;
  }
  match(): null {
    return null;
  }
  matchAtStart(): null {
    return null;
  }
}
