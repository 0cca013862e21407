const FROM = /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g;
const BARE = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module specifier a TypeScript source imports or re-exports: static, bare and dynamic. */
export function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const re of [FROM, BARE, DYNAMIC]) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}
