// Injected into the CommonJS bundles by bundle-cli.mjs: import.meta.url there is the file's own URL.
import { pathToFileURL } from 'node:url';
export const importMetaUrl = pathToFileURL(__filename).href;
