import { stringify } from 'yaml';

/** `workspace.yaml`: where Copilot's picker takes a session's title from (format doc §4). */
export function workspaceYaml(w: { id: string; cwd: string; name: string; branch: string | null; now: Date }): string {
  const at = w.now.toISOString();
  return stringify({
    id: w.id,
    cwd: w.cwd,
    ...(w.branch ? { branch: w.branch } : {}),
    client_name: 'github/cli',
    name: w.name.replace(/\s+/g, ' ').trim() || 'Resumed session',
    user_named: false,
    summary_count: 0,
    fork_count: 0,
    created_at: at,
    updated_at: at,
  });
}
