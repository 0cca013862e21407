import path from 'node:path';

/** Path functions of the platform the store lives on (tests compute Windows layouts on Linux). */
export const pathFor = (platform: NodeJS.Platform): path.PlatformPath => (platform === 'win32' ? path.win32 : path.posix);
