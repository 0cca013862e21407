import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResumeTarget } from '../engine/resume/types.js';

/**
 * How each real CLI is pointed at the mock model and made to run offline, without
 * onboarding or network calls (../shared/formats/real-clients.md), and how it resumes a
 * session headless with one new prompt.
 */
export interface CliSetup {
  bin: string;
  /** Writes the tool's config files into the scratch HOME. */
  prepare(home: string, project: string, url: string): void;
  env(home: string, url: string, cache: string): Record<string, string>;
  resumeArgs(nativeId: string, prompt: string): string[];
  /** Starts a new session headless with one prompt. */
  newArgs(prompt: string): string[];
  /** Run once before anything is resumed (a tool whose store must exist first). */
  initArgs?: string[];
}

const KEY = 'sk-e2e-0000000000000000000000000000';

/**
 * OpenCode and its fork the Kilo CLI: a provider `mock` speaking the Anthropic Messages API
 * (the AI SDK package both bundle) at the mock, every tool allowed, no sharing or updates.
 * Their database must exist before a session is written into it: `session list` creates it.
 */
function openCodeFamily(bin: string, configFile: string): CliSetup {
  return {
    bin,
    prepare(home, _project, url) {
      write(
        path.join(home, '.config', configFile),
        JSON.stringify({
          provider: {
            mock: {
              npm: '@ai-sdk/anthropic',
              name: 'Mock',
              options: { baseURL: `${url}/v1`, apiKey: KEY },
              models: { 'claude-mock-1': { name: 'Claude Mock', attachment: true, modalities: { input: ['text', 'image'], output: ['text'] } } },
            },
          },
          model: 'mock/claude-mock-1',
          small_model: 'mock/claude-mock-1',
          autoupdate: false,
          share: 'disabled',
          permission: { bash: 'allow', read: 'allow', edit: 'allow', external_directory: 'allow' },
        }),
      );
    },
    env: () => ({ OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1' }),
    resumeArgs: (id, prompt) => ['run', '--session', id, prompt],
    newArgs: (prompt) => ['run', prompt],
    initArgs: ['session', 'list'],
  };
}

function write(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export function cliSetups(binDir: string): Record<ResumeTarget, CliSetup> {
  return {
    'claude-code': {
      bin: path.join(binDir, 'claude'),
      prepare(home, project) {
        write(
          path.join(home, '.claude.json'),
          JSON.stringify({
            hasCompletedOnboarding: true,
            lastOnboardingVersion: '2.1.332',
            customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] },
            projects: { [project]: { hasTrustDialogAccepted: true } },
          }),
        );
      },
      env: (_home, url) => ({
        ANTHROPIC_BASE_URL: url,
        ANTHROPIC_API_KEY: KEY,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
      }),
      resumeArgs: (id, prompt) => ['--resume', id, '-p', prompt],
      newArgs: (prompt) => ['-p', prompt],
    },
    codex: {
      bin: path.join(binDir, 'codex'),
      prepare(home, project, url) {
        write(
          path.join(home, '.codex', 'config.toml'),
          [
            'model = "gpt-5.5"',
            'model_provider = "mock"',
            'approval_policy = "never"',
            'sandbox_mode = "danger-full-access"',
            'check_for_update_on_startup = false',
            '[model_providers.mock]',
            'name = "mock"',
            `base_url = "${url}/v1"`,
            'wire_api = "responses"',
            'env_key = "OPENAI_API_KEY"',
            '[features]',
            'plugins = false',
            'remote_plugin = false',
            'daemon_auto_start = false',
            '[analytics]',
            'enabled = false',
            `[projects."${project}"]`,
            'trust_level = "trusted"',
            '',
          ].join('\n'),
        );
      },
      env: () => ({ OPENAI_API_KEY: KEY }),
      resumeArgs: (id, prompt) => ['exec', '--skip-git-repo-check', 'resume', id, prompt],
      newArgs: (prompt) => ['exec', '--skip-git-repo-check', prompt],
    },
    gemini: {
      bin: path.join(binDir, 'gemini'),
      prepare(home) {
        write(
          path.join(home, '.gemini', 'settings.json'),
          JSON.stringify({
            security: { auth: { selectedType: 'gemini-api-key' } },
            privacy: { usageStatisticsEnabled: false },
            telemetry: { enabled: false },
            general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
          }),
        );
      },
      env: (_home, url) => ({ GEMINI_API_KEY: KEY, GOOGLE_GEMINI_BASE_URL: url, GEMINI_CLI_TRUST_WORKSPACE: 'true' }),
      resumeArgs: (id, prompt) => ['--resume', id, '--yolo', '-p', prompt],
      newArgs: (prompt) => ['--yolo', '-p', prompt],
    },
    copilot: {
      bin: path.join(binDir, 'copilot'),
      prepare(home, project) {
        write(path.join(home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [project] }));
      },
      env: (_home, url, cache) => ({
        COPILOT_PROVIDER_BASE_URL: `${url}/v1`,
        COPILOT_PROVIDER_API_KEY: KEY,
        COPILOT_MODEL: 'gpt-5.4',
        COPILOT_OFFLINE: 'true',
        COPILOT_AUTO_UPDATE: 'false',
        COPILOT_CACHE_HOME: cache,
      }),
      resumeArgs: (id, prompt) => [`--resume=${id}`, '-p', prompt, '--allow-all-tools'],
      newArgs: (prompt) => ['-p', prompt, '--allow-all-tools'],
    },
    'kilo-code': openCodeFamily(path.join(binDir, 'kilo'), 'kilo/kilo.jsonc'),
    opencode: openCodeFamily(path.join(binDir, 'opencode'), 'opencode/opencode.json'),
  };
}
