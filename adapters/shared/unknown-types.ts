/**
 * Counts of records whose type an adapter does not know (ReadResult.unknownTypes): the engine
 * warns when one keeps coming, which is how a tool's format change shows up instead of
 * silently capturing less. Type names come from session files: untrusted, so they are cut
 * short and a file full of distinct names cannot grow the map without bound.
 */
export type UnknownTypes = Record<string, number>;

const MAX_TYPES = 32;
const MAX_NAME = 64;

export function noteUnknownType(counts: UnknownTypes, type: unknown): void {
  const name = typeof type === 'string' && type ? type.slice(0, MAX_NAME) : typeof type === 'undefined' || type === null ? '(none)' : `(${typeof type})`;
  if (counts[name] === undefined && Object.keys(counts).length >= MAX_TYPES) {
    counts['(other)'] = (counts['(other)'] ?? 0) + 1;
    return;
  }
  counts[name] = (counts[name] ?? 0) + 1;
}

/** The counts to return with a ReadResult: absent when there are none. */
export function unknownTypesField(counts: UnknownTypes): { unknownTypes?: UnknownTypes } {
  return Object.keys(counts).length ? { unknownTypes: counts } : {};
}

/** Block types SessionFS models, and Anthropic's that are kept verbatim on purpose (server tools, documents). */
const KNOWN_BLOCKS = new Set([
  'text',
  'thinking',
  'tool_use',
  'tool_result',
  'image',
  'summary',
  'reasoning',
  'document',
  'search_result',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'container_upload',
]);

/** Counts the content blocks of types neither SessionFS nor the Anthropic API defines, as `block:<type>`. */
export function noteUnknownBlocks(counts: UnknownTypes, blocks: ReadonlyArray<{ type: string }>): void {
  for (const b of blocks) if (!KNOWN_BLOCKS.has(b.type)) noteUnknownType(counts, `block:${b.type}`);
}
