/**
 * A POSIX tar (ustar, with a pax header for names over 100 bytes) of a few files held in memory:
 * what the dashboard's export downloads are (a .sfs export is a directory, a native one several
 * files). Every entry is a regular file, mode 0600, under relative names without `..`.
 */
export interface TarEntry {
  /** Relative, '/'-separated. */
  path: string;
  data: Buffer;
  mtime?: Date;
}

const BLOCK = 512;

function header(name: string, size: number, mtime: Date, type: '0' | 'x', prefix = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write('0000600\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  h.write(
    Math.floor(mtime.getTime() / 1000)
      .toString(8)
      .padStart(11, '0') + '\0',
    136,
    'ascii',
  );
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

const pad = (n: number) => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);

/** A pax record "LEN key=value\n", where LEN counts itself. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const n = Buffer.byteLength(body);
  let len = n + 1;
  while (n + String(len).length !== len) len = n + String(len).length;
  return Buffer.from(`${len}${body}`);
}

export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    if (!name || name.split('/').some((s) => s === '..' || s === '.' || s === '')) throw new Error(`bad tar entry name ${e.path}`);
    const mtime = e.mtime ?? new Date();
    if (Buffer.byteLength(name) > 100) {
      const pax = paxRecord('path', name);
      parts.push(header('PaxHeader', pax.length, mtime, 'x'), pax, pad(pax.length));
    }
    parts.push(
      header(
        Buffer.from(name)
          .subarray(0, 100)
          .toString('utf8')
          .replace(/\uFFFD+$/, ''),
        e.data.length,
        mtime,
        '0',
      ),
      e.data,
      pad(e.data.length),
    );
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
