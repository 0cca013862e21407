import type { ContentBlock, ImageBlock, Message, ToolResultBlock, ToolUseBlock } from '../model/message.js';
import { unwrapUserInput } from '../model/user-input-wrapper.js';
import { familyOf, TARGET_TRAITS } from './targets.js';
import type { MappingReport, ResumeTarget, SourceSession } from './types.js';

/**
 * First step of the mapping: keep what the model saw as the conversation, in the roles
 * `user`, `assistant` and `tool`, and only block types every writer understands. Harness
 * content, compaction records, recorded API errors and inline sub-agent turns are left
 * out (and counted); thinking keeps its signature only for the provider that issued it.
 */
const CLINE_FAMILY = new Set(['cline', 'roo-code', 'kilo-code']);

export function normalizeMessages(src: SourceSession, target: ResumeTarget, report: MappingReport): Message[] {
  const traits = TARGET_TRAITS[target];
  const hasMainLine = src.messages.some((m) => !m.is_sidechain);
  const out: Message[] = [];
  for (const m of src.messages) {
    if (m.is_compaction) {
      report.compaction++;
      continue;
    }
    if (m.is_api_error) {
      report.apiErrors++;
      continue;
    }
    if (m.is_injected || m.role === 'system' || m.role === 'developer') {
      report.injected++;
      continue;
    }
    // A sub-agent's own session resumes whole; inside a parent, the call's result summarises it.
    if (m.is_sidechain && hasMainLine) {
      report.sidechain++;
      continue;
    }
    const user: ContentBlock[] = [];
    const assistant: ContentBlock[] = [];
    const results: ToolResultBlock[] = [];
    for (const b of m.content) {
      switch (b.type) {
        case 'text':
        case 'summary': {
          let text = typeof b.text === 'string' ? b.text : '';
          // Sessions captured before capture unwrapped the Cline CLI's <user_input> keep it: not replayed.
          if (m.role === 'user' && CLINE_FAMILY.has(src.tool)) text = unwrapUserInput(text)?.text ?? text;
          if (text.trim() === '') break;
          (m.role === 'assistant' ? assistant : user).push({ type: 'text', text });
          break;
        }
        case 'image':
          if (m.role === 'assistant') report.blocksDropped++;
          else user.push(traits.imagesInUser ? (b as ImageBlock) : imageNote(b as ImageBlock, report));
          break;
        case 'thinking': {
          if (m.role !== 'assistant') {
            report.blocksDropped++;
            break;
          }
          const kept = keepThinking(
            b as { text?: unknown; signature?: unknown; redacted?: unknown; native_id?: unknown },
            src.tool,
            m.provider ?? src.provider,
            target,
          );
          if (kept) {
            assistant.push(kept);
            report.thinkingKept++;
          } else report.thinkingDropped++;
          break;
        }
        case 'tool_use': {
          const u = b as ToolUseBlock;
          if (m.role !== 'assistant' || typeof u.tool_use_id !== 'string' || !u.tool_use_id) {
            report.blocksDropped++;
            break;
          }
          assistant.push({ type: 'tool_use', tool_use_id: u.tool_use_id, name: u.name || 'tool', input: u.input ?? {} });
          break;
        }
        case 'tool_result': {
          const r = b as ToolResultBlock;
          if (typeof r.tool_use_id !== 'string' || !r.tool_use_id) {
            report.blocksDropped++;
            break;
          }
          results.push(resultFor(r, traits.imagesInToolResults, report));
          break;
        }
        default:
          report.blocksDropped++;
      }
    }
    const base = { timestamp: m.timestamp ?? null };
    if (results.length) out.push({ msg_id: `${m.msg_id}#results`, role: 'tool', content: results, ...base });
    if (assistant.length) out.push({ msg_id: m.msg_id, role: 'assistant', content: assistant, ...base, ...(m.model ? { model: m.model } : {}) });
    if (user.length) out.push({ msg_id: m.msg_id, role: 'user', content: user, ...base });
  }
  return out;
}

function keepThinking(
  b: { text?: unknown; signature?: unknown; redacted?: unknown; native_id?: unknown },
  sourceTool: string,
  provider: string | null | undefined,
  target: ResumeTarget,
): ContentBlock | null {
  const traits = TARGET_TRAITS[target];
  const text = typeof b.text === 'string' ? b.text : '';
  const signature = typeof b.signature === 'string' && b.signature ? b.signature : null;
  const same = familyOf(sourceTool, provider) === traits.family;
  if (same && signature) {
    // The tool's own item id goes back with its signed payload (a Codex reasoning item's rs_… id).
    const id = typeof b.native_id === 'string' && b.native_id ? { native_id: b.native_id } : {};
    return b.redacted ? { type: 'thinking', text, signature, redacted: true, ...id } : { type: 'thinking', text, signature, ...id };
  }
  // A foreign or unsigned payload would be rejected by a provider that verifies signatures.
  if (traits.thinkingNeedsSignature || !same || !text.trim() || b.redacted) return null;
  return { type: 'thinking', text };
}

function imageNote(img: ImageBlock, report: MappingReport): ContentBlock {
  report.imagesReplaced++;
  const src = img.source as { type?: string; media_type?: string; url?: string; path?: string };
  const what = src.type === 'base64' ? (src.media_type ?? 'image') : src.type === 'url' ? (src.url ?? 'image') : (src.path ?? 'image');
  return { type: 'text', text: `[image not carried over: ${what}]` };
}

function resultFor(r: ToolResultBlock, images: boolean, report: MappingReport): ToolResultBlock {
  let content: string | ContentBlock[];
  if (typeof r.content === 'string') content = r.content;
  else if (Array.isArray(r.content)) {
    const parts: ContentBlock[] = [];
    for (const c of r.content) {
      if (c.type === 'text' && typeof c.text === 'string') parts.push({ type: 'text', text: c.text });
      else if (c.type === 'image') parts.push(images ? (c as ImageBlock) : imageNote(c as ImageBlock, report));
      else if (typeof (c as { text?: unknown }).text === 'string') parts.push({ type: 'text', text: (c as { text: string }).text });
      else report.blocksDropped++;
    }
    content = parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('\n') : parts;
  } else content = '';
  return r.is_error
    ? { type: 'tool_result', tool_use_id: r.tool_use_id, content, is_error: true }
    : { type: 'tool_result', tool_use_id: r.tool_use_id, content };
}
