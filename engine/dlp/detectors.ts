/**
 * Secret and personal-data detectors. Each finds spans in a string; `group` names the
 * capture group that is the secret itself (the rest is context kept on redaction).
 * Shapes follow the issuers' documented token formats; context-free patterns are kept
 * tight (fixed prefixes, lengths, checksums) so ordinary code and prose are not flagged.
 */
export interface Detector {
  id: string;
  kind: 'secret' | 'personal';
  re: RegExp;
  group?: number;
  /** Extra check on the secret part (checksum, placeholder filter). */
  accept?: (secret: string, match: RegExpExecArray) => boolean;
  /**
   * A cheap necessary condition for any match (a literal every match contains): when false the
   * regex is not run. Most text has no `@`, `://` or `eyJ`, and a literal search is many times
   * faster than a regex pass. Must never be false for text the regex would match.
   */
  hint?: (text: string) => boolean;
}

const PLACEHOLDER =
  /^(?:x+|\*+|\.+|<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]*\}\}|%[A-Z_]+%|changeme|change_me|password|passwd|secret|token|your[_-].*|example.*|dummy.*|placeholder.*|test|redacted|\[redacted[^\]]*\]|null|none|true|false|undefined)$/i;

function notPlaceholder(s: string): boolean {
  // AWS and others document keys ending in EXAMPLE / EXAMPLEKEY: those are not secrets.
  return !PLACEHOLDER.test(s) && !/^(.)\1+$/.test(s) && !/EXAMPLE(KEY)?$/.test(s);
}

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function ibanValid(iban: string): boolean {
  const s = iban.replace(/\s+/g, '').toUpperCase();
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

/** Generic TLDs seen in real addresses; two-letter country codes are always accepted. Keeps `@router.post` out. */
const COMMON_TLD = new Set([
  'com',
  'org',
  'net',
  'edu',
  'gov',
  'mil',
  'int',
  'io',
  'dev',
  'ai',
  'app',
  'info',
  'biz',
  'name',
  'pro',
  'tech',
  'cloud',
  'email',
  'online',
  'site',
  'xyz',
  'company',
  'team',
  'systems',
  'digital',
  'studio',
  'agency',
  'solutions',
  'services',
  'group',
  'global',
  'works',
  'page',
  'mail',
]);
const EXAMPLE_DOMAIN = /(^|\.)(example\.(com|org|net)|test|invalid|localhost|local|users\.noreply\.github\.com|noreply\.github\.com)$/i;

/**
 * `user@host` inside `scheme://…@host` is a URL's user (and password) and host, not an address:
 * reporting it as an email would redact the host along with the password.
 */
function inUrlAuthority(m: RegExpExecArray): boolean {
  return /[a-z][a-z0-9+.-]{1,20}:\/\/[^\s/?#'"]*$/i.test(m.input.slice(Math.max(0, m.index - 300), m.index));
}

export const DETECTORS: Detector[] = [
  {
    id: 'private-key',
    hint: (t) => t.includes('PRIVATE KEY'),
    kind: 'secret',
    re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g,
    accept: (s) => /[A-Za-z0-9+/=]{40,}/.test(s.replace(/\s+/g, '')),
  },
  {
    id: 'aws-access-key-id',
    hint: (t) => t.includes('AKIA') || t.includes('ASIA') || t.includes('ABIA') || t.includes('ACCA'),
    kind: 'secret',
    re: /\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b/g,
    group: 1,
    accept: (s) => !/EXAMPLE$/.test(s),
  },
  {
    id: 'aws-secret-access-key',
    hint: (t) => /aws/i.test(t),
    kind: 'secret',
    re: /\baws_?secret_?(?:access_?)?key\b["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    group: 1,
    accept: (s) => !/EXAMPLEKEY$/.test(s),
  },
  { id: 'gcp-api-key', hint: (t) => t.includes('AIza'), kind: 'secret', re: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g, group: 1 },
  {
    id: 'github-token',
    hint: (t) => t.includes('_') && (t.includes('gh') || t.includes('github_pat_')),
    kind: 'secret',
    re: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b/g,
    group: 1,
  },
  { id: 'gitlab-token', hint: (t) => t.includes('gl'), kind: 'secret', re: /\b(gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g, group: 1 },
  {
    id: 'slack-token',
    hint: (t) => t.includes('xox') || t.includes('xapp-'),
    kind: 'secret',
    re: /\b(xox[abposr]-(?:\d+-)+[A-Za-z0-9]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,})\b/g,
    group: 1,
  },
  {
    id: 'slack-webhook',
    hint: (t) => t.includes('https://hooks.slack.com/services/'),
    kind: 'secret',
    re: /(https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{20,})/g,
    group: 1,
  },
  {
    id: 'stripe-key',
    hint: (t) => t.includes('_live_') || t.includes('_test_'),
    kind: 'secret',
    re: /\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,})\b/g,
    group: 1,
  },
  {
    id: 'anthropic-key',
    hint: (t) => t.includes('sk-ant-'),
    kind: 'secret',
    re: /\b(sk-ant-(?:api|admin|oat)\d{2}-[A-Za-z0-9_-]{40,})(?![A-Za-z0-9_-])/g,
    group: 1,
  },
  {
    id: 'openai-key',
    hint: (t) => t.includes('sk-'),
    kind: 'secret',
    re: /\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48})(?![A-Za-z0-9_-])/g,
    group: 1,
  },
  {
    id: 'jwt',
    hint: (t) => t.includes('eyJ'),
    kind: 'secret',
    re: /\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/g,
    group: 1,
    accept: (s) => {
      try {
        const head = JSON.parse(Buffer.from(s.split('.')[0]!, 'base64url').toString('utf8')) as { alg?: unknown };
        return typeof head.alg === 'string';
      } catch {
        return false;
      }
    },
  },
  /**
   * Credentials in a connection URL (`scheme://user:password@host`, any scheme, the user may be
   * empty as in `redis://:pw@host`): only the password is the secret, so the user, host and path
   * stay readable. The password runs to the last `@` before the host (an unencoded `@` in it is
   * common); `d` gives the group's own offsets, since the user may equal the password.
   */
  {
    id: 'url-password',
    hint: (t) => t.includes('://') && t.includes('@'),
    kind: 'secret',
    re: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"]{0,64}:([^\s/?#'",;<>`]{1,128})@(?=[A-Za-z0-9.\-[])/dgi,
    group: 1,
    accept: notPlaceholder,
  },
  {
    id: 'env-secret',
    hint: (t) => t.includes('='),
    kind: 'secret',
    re: /^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|PWD|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH|CREDENTIALS?)[A-Za-z0-9_]*[ \t]*=[ \t]*(["']?)([^\s"'#]{8,})\1[ \t]*(?:#.*)?$/gim,
    group: 2,
    accept: (s) => notPlaceholder(s) && /[A-Za-z]/.test(s) && /[0-9]/.test(s),
  },
  {
    id: 'email',
    hint: (t) => t.includes('@'),
    kind: 'personal',
    re: /(?<![A-Za-z0-9._%+\\-])([A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,24})))\b/g,
    group: 1,
    accept: (s, m) => !EXAMPLE_DOMAIN.test(m[2]!) && !/^git@/i.test(s) && (m[3]!.length === 2 || COMMON_TLD.has(m[3]!.toLowerCase())) && !inUrlAuthority(m),
  },
  {
    id: 'credit-card',
    kind: 'personal',
    re: /(?<![\d.-])((?:\d[ -]?){12,18}\d)(?![\d.-])/g,
    group: 1,
    accept: (s) => /^(4|5[1-5]|2[2-7]|3[47]|6(?:011|5))/.test(s.replace(/\D/g, '')) && luhn(s.replace(/\D/g, '')) && !/^(\d)\1+$/.test(s.replace(/\D/g, '')),
  },
  { id: 'us-ssn', hint: (t) => t.includes('-'), kind: 'personal', re: /(?<![\d-])((?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4})(?![\d-])/g, group: 1 },
  { id: 'iban', kind: 'personal', re: /\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?)\b/g, group: 1, accept: ibanValid },
];
