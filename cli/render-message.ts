import type { ContentBlock, Message, OrderedMessage } from '../engine/index.js';
import { color, shortTime, truncate } from './output.js';

const ROLE_COLOR: Record<string, (s: string) => string> = {
  user: color.green,
  assistant: color.cyan,
  tool: color.magenta,
  system: color.yellow,
  developer: color.yellow,
};

export interface RenderOptions {
  thinking?: boolean;
  /** Longest tool input / result shown before eliding. */
  toolChars?: number;
}

/** One message as human-readable lines, numbered as `sfs fork --at N` expects. */
export function renderMessage(n: number, om: OrderedMessage, o: RenderOptions = {}): string {
  const m: Message = om.message;
  const paint = ROLE_COLOR[m.role] ?? ((s: string) => s);
  const marks = [
    om.author ? color.yellow(authorMark(om.author)) : '',
    om.branch ? color.yellow(`branch ${om.branch}`) : '',
    om.inherited_from ? color.dim(`from ${om.inherited_from.slice(0, 12)}`) : '',
    m.is_injected ? color.dim('injected') : '',
    m.is_compaction ? color.yellow('compaction') : '',
    m.is_api_error ? color.red('api error') : '',
    m.is_sidechain ? color.dim(`sub-agent ${m.agent_id ?? ''}`.trim()) : '',
  ].filter(Boolean);
  const head = `${color.dim(`#${n}`)} ${paint(color.bold(m.role))} ${color.dim(shortTime(m.timestamp))}${m.model ? color.dim(' ' + m.model) : ''} ${color.dim(m.msg_id)}${marks.length ? ' ' + marks.join(' ') : ''}`;
  const body = m.content.map((b) => renderBlock(b, o)).filter(Boolean);
  return [head, ...body.map((t) => indent(t))].join('\n');
}

/** Another account's message: `bob@laptop` (DESIGN §13: always attributed). */
export function authorMark(a: { username: string; device: string | null }): string {
  return `${a.username}@${a.device ?? 'unknown device'}`;
}

function renderBlock(b: ContentBlock, o: RenderOptions): string {
  const max = o.toolChars ?? 400;
  switch (b.type) {
    case 'text':
      return String((b as { text: string }).text);
    case 'thinking':
      return o.thinking ? color.dim(color.italic(`(thinking) ${(b as { text: string }).text}`)) : color.dim('(thinking hidden; --thinking shows it)');
    case 'summary':
      return color.yellow(`(summary) ${(b as { text: string }).text}`);
    case 'tool_use': {
      const t = b as { name: string; input: unknown; tool_use_id: string };
      return `${color.blue('→ ' + t.name)} ${color.dim(truncate(JSON.stringify(t.input ?? null), max))}`;
    }
    case 'tool_result': {
      const r = b as { content: unknown; is_error?: boolean };
      const text =
        typeof r.content === 'string'
          ? r.content
          : Array.isArray(r.content)
            ? r.content.map((x) => (x as { text?: string }).text ?? `[${(x as { type: string }).type}]`).join('\n')
            : '';
      const label = r.is_error ? color.red('← error') : color.blue('← result');
      return `${label} ${color.dim(truncate(text, max))}`;
    }
    case 'image':
      return color.dim('[image]');
    default:
      return color.dim(`[${b.type}]`);
  }
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
}
