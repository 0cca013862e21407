import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readRegularFile } from '../../engine/adapter-kit.js';
import path from 'node:path';

/**
 * Gemini CLI (≥ 0.29) keys a project's temp folder by a short slug registered in
 * `~/.gemini/projects.json` and checked against `tmp/<slug>/.project_root`; the
 * `projectHash` inside session files stays the SHA-256 of the project path.
 */
export function projectHash(projectRoot: string): string {
  return createHash('sha256').update(projectRoot).digest('hex');
}

function slugBase(projectRoot: string): string {
  const s = path
    .basename(projectRoot)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'project';
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  try {
    const v: unknown = JSON.parse((await readRegularFile(file)).toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function readText(file: string): Promise<string | null> {
  try {
    return (await readRegularFile(file)).toString('utf8').trim();
  } catch {
    return null;
  }
}

/**
 * The slug for `projectRoot`: the registered one, else a new one (`name`, `name-1`, …)
 * that no other project uses, registered and marked with `.project_root`. Returns the
 * files it created or changed.
 */
export async function ensureProject(geminiDir: string, projectRoot: string): Promise<{ slug: string; files: string[] }> {
  const registry = path.join(geminiDir, 'projects.json');
  const data = (await readJson(registry)) ?? {};
  const projects = (data.projects && typeof data.projects === 'object' ? data.projects : {}) as Record<string, string>;
  const files: string[] = [];
  let slug = projects[projectRoot];
  if (!slug) {
    const taken = new Set(Object.values(projects));
    const base = slugBase(projectRoot);
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? base : `${base}-${n}`;
      const owner = await readText(path.join(geminiDir, 'tmp', candidate, '.project_root'));
      if (!taken.has(candidate) && (owner === null || owner === projectRoot)) {
        slug = candidate;
        break;
      }
    }
    const next = { ...data, projects: { ...projects, [projectRoot]: slug } };
    await mkdir(geminiDir, { recursive: true, mode: 0o700 });
    const tmp = `${registry}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(next, null, 2), { mode: 0o600 });
    await rename(tmp, registry);
    files.push(registry);
  }
  const marker = path.join(geminiDir, 'tmp', slug, '.project_root');
  if ((await readText(marker)) === null) {
    await mkdir(path.dirname(marker), { recursive: true, mode: 0o700 });
    await writeFile(marker, projectRoot, { mode: 0o600 });
    files.push(marker);
  }
  return { slug, files };
}
