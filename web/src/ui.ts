import { h, type Child } from './dom.js';

/** A modal question with optional text fields; resolves to the field values, or null when cancelled. */
export function ask(o: {
  title: string;
  body?: Child;
  fields?: Array<{ name: string; label: string; value?: string }>;
  ok: string;
  danger?: boolean;
}): Promise<Record<string, string> | null> {
  return new Promise((resolve) => {
    const inputs = (o.fields ?? []).map((f) => h('input', { name: f.name, value: f.value ?? '', 'aria-label': f.label, placeholder: f.label }));
    const dialog = h('dialog', { class: 'confirm' });
    const done = (v: Record<string, string> | null) => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    const form = h(
      'form',
      { method: 'dialog' },
      h('h3', {}, o.title),
      o.body ?? null,
      ...inputs.map((i) => h('p', {}, h('label', {}, i.placeholder, h('br'), i))),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: o.danger ? 'danger' : 'primary', 'data-ok': true }, o.ok),
        h('button', { type: 'button', onclick: () => done(null) }, 'Cancel'),
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      done(Object.fromEntries(inputs.map((i) => [i.name, i.value])));
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(null);
    });
    dialog.append(form);
    document.body.append(dialog);
    dialog.showModal();
    (inputs[0] ?? (form.querySelector('[data-ok]') as HTMLElement)).focus();
  });
}

/** A short notice at the bottom of the page. */
export function toast(text: string, error = false): void {
  const t = h('div', { class: `toast${error ? ' error' : ''}`, role: 'status' }, text);
  document.body.append(t);
  setTimeout(() => t.remove(), 4000);
}

export function errorBox(err: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err));
}

/**
 * Runs a change after asking (when `confirm` is given: every destructive action asks first), then says how
 * it went; the page reloads what it shows (`after`). Resolves whether the change was made.
 */
export async function act(o: {
  confirm?: { title: string; body?: Child; ok: string };
  run: () => Promise<unknown>;
  done: string;
  after?: () => unknown;
}): Promise<boolean> {
  if (o.confirm && !(await ask({ ...o.confirm, danger: true }))) {
    await o.after?.(); // puts back what the control showed
    return false;
  }
  try {
    await o.run();
    toast(o.done);
    return true;
  } catch (err) {
    toast(err instanceof Error ? err.message : String(err), true);
    return false;
  } finally {
    await o.after?.();
  }
}
