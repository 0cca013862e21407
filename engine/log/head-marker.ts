import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * A small file beside the LevelDB folder saying how far the log reaches, so a reader whose
 * projections are already there (the usual `sfs list`) neither loads LevelDB nor asks the
 * owner. The owner writes it before each batch that moves the head is committed, and again
 * when it opens the log: it is never below the real head. A marker above the head (a batch
 * that then failed) only sends readers to the log, which is always right.
 */
export function headMarkerFile(logDir: string): string {
  return `${logDir}.head`;
}

/** The marked head, or undefined when there is no marker or it cannot be trusted. */
export function readHeadMarker(logDir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(headMarkerFile(logDir), 'utf8');
  } catch {
    return undefined;
  }
  // The newline is written last: a marker read while it is being rewritten is refused, not misread.
  return /^\d{1,15}\n$/.test(text) ? Number(text.slice(0, -1)) : undefined;
}

/**
 * Marks `head` before a batch that reaches it is written. When the marker cannot be written
 * (a full disk) it is removed instead, so that no reader trusts an older, lower one.
 */
export function writeHeadMarker(logDir: string, head: number): void {
  const file = headMarkerFile(logDir);
  try {
    writeFileSync(file, `${head}\n`, { mode: 0o600 });
  } catch (err) {
    try {
      unlinkSync(file);
    } catch (unlinkErr) {
      if ((unlinkErr as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
