/**
 * The Cline CLI (3.x) wraps what a person types in `<user_input mode="act">…</user_input>` (the
 * mode is Cline's plan/act switch) before it reaches the model and its history file. The typed
 * text is what a message holds; capture unwraps it (keeping the mode), and resume unwraps
 * sessions captured before it did, so the wrapper is never replayed into another tool.
 */
const WRAPPER = /^\s*<user_input(?:\s+mode="([^"<>]*)")?\s*>([\s\S]*)<\/user_input>\s*$/;

/** The text inside a block that is exactly one wrapper, and its mode; null when the text is not wrapped. */
export function unwrapUserInput(text: string): { text: string; mode: string | null } | null {
  const m = WRAPPER.exec(text);
  if (!m || m[2]!.includes('<user_input')) return null;
  return { text: m[2]!, mode: m[1] ?? null };
}
