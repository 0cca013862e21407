/**
 * What a captured tool call did, whatever tool recorded it. Each AI tool names its
 * calls differently (Claude Code Read/Write/Edit/Bash, Codex shell/exec_command/
 * apply_patch, Gemini read_file/write_file/run_shell_command, Copilot view/create/edit/
 * bash, Cline-family read_file/write_to_file/execute_command, Cursor read_file/edit_file/
 * run_terminal_cmd, Amp Read/edit_file/Bash); this maps them to a few actions.
 */
export type ToolAction = { kind: 'read'; paths: string[] } | { kind: 'write'; paths: string[] } | { kind: 'command'; command: string } | { kind: 'other' };

const READ = new Set(['read', 'read_file', 'readfile', 'view', 'read_many_files', 'read_files', 'notebookread', 'cat']);
const WRITE = new Set([
  'write',
  'edit',
  'multiedit',
  'notebookedit',
  'write_file',
  'replace',
  'create',
  'str_replace',
  'edit_file',
  'create_file',
  'write_to_file',
  'replace_in_file',
  'apply_diff',
  'insert_content',
  'search_and_replace',
  'search_replace',
  'delete_file',
  'multi_edit',
  'insert',
  'undo_edit',
]);
const SHELL = new Set([
  'bash',
  'shell',
  'exec_command',
  'run_shell_command',
  'execute_command',
  'run_terminal_cmd',
  'local_shell',
  'terminal',
  'run_command',
  'powershell',
]);

type Input = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v : null;
}

/** Paths named by a call's input, under the keys tools use for them. */
function pathsOf(input: Input): string[] {
  const out: string[] = [];
  for (const k of ['file_path', 'path', 'target_file', 'absolute_path', 'notebook_path', 'filePath', 'file', 'filename']) {
    const v = str(input[k]);
    if (v) out.push(v);
  }
  for (const k of ['paths', 'file_paths', 'files']) {
    const v = input[k];
    if (Array.isArray(v)) for (const p of v) if (str(p)) out.push(p as string);
  }
  return out;
}

/** The command line of a shell call: a string, or an argv array (`["bash", "-lc", "…"]`). */
function commandOf(input: Input): string | null {
  for (const k of ['command', 'cmd', 'commandLine', 'script']) {
    const v = input[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
      const argv = v as string[];
      if (argv.length >= 3 && /(^|\/)(ba|z|da)?sh$/.test(argv[0]!) && /^-l?c$/.test(argv[1]!)) return argv.slice(2).join(' ').trim();
      return argv.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ');
    }
  }
  return null;
}

/** Files an apply_patch body touches (`*** Add File: x`, `*** Update File: x`, `*** Delete File: x`, `*** Move to: y`). */
export function patchPaths(patch: string): string[] {
  const out: string[] = [];
  const re = /^\*\*\* (?:Add|Update|Delete) File: (.+)$|^\*\*\* Move to: (.+)$/gm;
  for (let m = re.exec(patch); m; m = re.exec(patch)) out.push((m[1] ?? m[2]!).trim());
  return out;
}

export function classifyToolCall(name: string, rawInput: unknown): ToolAction[] {
  const n = name.toLowerCase().replace(/^.*__/, ''); // MCP-prefixed names (mcp__server__tool) keep their last part
  const input: Input = rawInput && typeof rawInput === 'object' && !Array.isArray(rawInput) ? (rawInput as Input) : {};
  if (n === 'apply_patch' || n === 'applypatch') {
    const body = typeof rawInput === 'string' ? rawInput : (str(input.input) ?? str(input.patch) ?? '');
    return [{ kind: 'write', paths: patchPaths(body) }];
  }
  if (n === 'str_replace_editor' || n === 'str_replace_based_edit_tool') {
    const paths = pathsOf(input);
    return [{ kind: input.command === 'view' ? 'read' : 'write', paths }];
  }
  if (READ.has(n)) return [{ kind: 'read', paths: pathsOf(input) }];
  if (WRITE.has(n)) return [{ kind: 'write', paths: pathsOf(input) }];
  if (SHELL.has(n)) {
    const command = commandOf(input);
    if (!command) return [{ kind: 'other' }];
    const out: ToolAction[] = [{ kind: 'command', command }];
    // Codex often applies patches through the shell: `apply_patch <<'EOF' … EOF`.
    if (/\bapply_patch\b/.test(command)) out.push({ kind: 'write', paths: patchPaths(command) });
    return out;
  }
  return [{ kind: 'other' }];
}
