import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LocalLog } from '../../../engine/log/local-log.js';
import { SharedLog } from '../../../engine/log/shared-log.js';
import { eventLogConformance } from './conformance/suite.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'sfs-logconf-'));

eventLogConformance({
  name: 'LocalLog (owner, in process)',
  async open() {
    const dir = fresh();
    const log = await LocalLog.open(join(dir, 'log'));
    return { log, close: async () => (await log.close(), rmSync(dir, { recursive: true, force: true })) };
  },
});

eventLogConformance({
  name: 'SharedLog as owner',
  async open() {
    const dir = fresh();
    const log = await SharedLog.open(join(dir, 'log'));
    if (log.role !== 'owner') throw new Error('expected to own the store');
    return { log, close: async () => (await log.close(), rmSync(dir, { recursive: true, force: true })) };
  },
});

eventLogConformance({
  name: 'SharedLog as guest (through the owner over its socket)',
  async open() {
    const dir = fresh();
    const owner = await SharedLog.open(join(dir, 'log'));
    const guest = await SharedLog.open(join(dir, 'log'));
    if (guest.role !== 'guest') throw new Error('expected a guest');
    return {
      log: guest,
      close: async () => {
        await guest.close();
        await owner.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
