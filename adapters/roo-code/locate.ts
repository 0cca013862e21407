import type { AdapterEnv } from '../../engine/adapter-kit.js';
import { globalStorageDirs } from '../cline-family/vscode-hosts.js';
import { stringSettingInHosts } from '../cline-family/vscode-settings.js';

export const ROO_EXTENSION_ID = 'rooveterinaryinc.roo-cline';

/** Global storage in every host, plus the `roo-cline.customStoragePath` setting that relocates the store. */
export function rooTaskRoots(env: AdapterEnv): string[] {
  return [...globalStorageDirs(env, ROO_EXTENSION_ID), ...stringSettingInHosts(env, 'roo-cline.customStoragePath')];
}
