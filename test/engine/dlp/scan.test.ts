import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactValue, scanText } from '../../../engine/dlp/scan.js';

// Real-shaped, made-up secrets (random characters in each issuer's documented format).
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const jwt = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64('{"sub":"1234567890","name":"Jo","iat":1516239022}')}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;
const pem = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDx3y9f0a8cPZ6k2yQm1rQ4n3v6uQ0Zp0e3e8Q6kq2ZtQAAAJgAAAAAAAAAA',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');

const SECRETS: Array<[string, string]> = [
  ['aws-access-key-id', 'key id AKIAZ7Q3XQ4MTRUV6WLN in the profile'],
  ['aws-secret-access-key', 'aws_secret_access_key = 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'],
  ['gcp-api-key', 'const k = "AIzaSyD3x9Lq-8vT2mNcR5pW7aZ0bY1uE4sKhJg";'],
  ['github-token', 'GH=ghp_R4nd0mT0k3nV4lu3F0rT3st1ng0123456789'],
  ['github-token', 'github_pat_11ABCDEFG0123456789abc_' + 'Zq'.repeat(29) + 'X'],
  ['gitlab-token', 'glpat-xZ3k9QvL2mN8pR4tY6wB'],
  ['slack-token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
  ['slack-webhook', 'https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/abcdefghijklmnopqrstuvwx'],
  ['stripe-key', 'Stripe.apiKey = "sk_live_51HqLyjWDarjtT1zdp7dcXYZabcdefgh";'],
  ['openai-key', 'OPENAI: sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9o'],
  ['anthropic-key', 'ANTHROPIC key sk-ant-api03-' + 'a1B2c3D4e5F6g7H8i9J0'.repeat(4) + '-xyzAA'],
  ['private-key', `here is the key:\n${pem}\n`],
  ['jwt', `Authorization: Bearer ${jwt}`],
  ['url-password', 'DATABASE_URL=postgres://admin:Hunter2xQ9@db.internal:5432/app'],
  ['url-password', 'postgres://admin:pw@host/db'],
  ['url-password', 'redis://:p4ssw0rd@cache.acme.com:6379'],
  ['env-secret', 'export STRIPE_WEBHOOK_SECRET=whsec9f8e7d6c5b4a3'],
  ['env-secret', 'DB_PASSWORD="s3cr3tPassw0rd!"'],
  ['email', 'contact jane.doe@acme-corp.com for access'],
  ['credit-card', 'card 4111 1111 1111 1111 exp 12/29'],
  ['us-ssn', 'SSN: 536-22-8714'],
  ['iban', 'IBAN DE89 3704 0044 0532 0130 00'],
];

// Things that look close but are not secrets: must not be flagged.
const NEAR_MISSES = [
  'AKIAIOSFODNN7EXAMPLE is the documented example key id',
  'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'ghp_short',
  'the sha is 3f786850e387550fdab836ed7e6dc881de23001b',
  'uuid 123e4567-e89b-12d3-a456-426614174000',
  'sk-ant-api03-short',
  'skip-navigation-button-component-long-name-here-for-testing',
  'DATABASE_URL=postgres://user:${DB_PASSWORD}@localhost/app',
  'redis://:****@cache:6379',
  'API_KEY=your_api_key_here',
  'PASSWORD=changeme',
  'TOKEN_TTL=3600',
  'SECRET_NAME=prod-db',
  'mail user@example.com or git@github.com:org/repo.git',
  'clone ssh://deploy@build.acme.com/srv/repo.git',
  '@router.post("/users")\n@pytest.mark.asyncio',
  'decorator\\n@app.get("/")',
  'order 1234 5678 9012 3456 (not luhn)',
  'phone 555-12-3456789',
  'version 1.2.3-4.5.6',
  'eyJhbGciOiJIUzI1NiJ9 alone is just base64 of a header',
  '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
  'sk_test_short',
  'xoxb-not-a-token',
  'date 2024-01-15 and time 12:30:45',
  'IBAN DE00 0000 0000 0000 0000 00',
];

test('every real-shaped secret is found by its detector', () => {
  for (const [id, text] of SECRETS) {
    const found = scanText(text).map((f) => f.detector);
    assert.ok(found.includes(id), `${id} not found in ${JSON.stringify(text)} (found ${found.join(',') || 'nothing'})`);
  }
});

test('near misses are not flagged', () => {
  for (const text of NEAR_MISSES) assert.deepEqual(scanText(text), [], `flagged: ${JSON.stringify(text)}`);
});

test('redaction replaces only the secret, keeps ids and shape, and leaves the input alone', () => {
  const body = {
    messages: [
      {
        msg_id: 'AKIAZ7Q3XQ4MTRUV6WLN',
        role: 'user',
        content: [{ type: 'text', text: 'DATABASE_URL=postgres://admin:Hunter2xQ9@db/app and ghp_R4nd0mT0k3nV4lu3F0rT3st1ng0123456789' }],
      },
    ],
  };
  const copy = structuredClone(body);
  const r = redactValue(body);
  assert.deepEqual(body, copy);
  assert.equal(r.value.messages[0]!.msg_id, 'AKIAZ7Q3XQ4MTRUV6WLN');
  assert.equal(
    (r.value.messages[0]!.content[0] as { text: string }).text,
    'DATABASE_URL=postgres://admin:[REDACTED:url-password]@db/app and [REDACTED:github-token]',
  );
  assert.deepEqual(
    r.findings.map((f) => [f.detector, f.path]),
    [
      ['url-password', '/messages/0/content/0/text'],
      ['github-token', '/messages/0/content/0/text'],
    ],
  );
  assert.ok(r.findings.every((f) => !f.preview.includes('Hunter2xQ9')));
});

test('a connection URL: only the password is redacted, the host stays, and no email is reported', () => {
  const cases: Array<[string, string]> = [
    ['postgres://admin:pw@host/db', 'postgres://admin:[REDACTED:url-password]@host/db'],
    [
      'url postgres://admin:s3cretpw@db.prod.io:5432/app and mail bob@acme.com',
      'url postgres://admin:[REDACTED:url-password]@db.prod.io:5432/app and mail [REDACTED:email]',
    ],
    ['redis://:p4ss@cache.acme.com:6379/0', 'redis://:[REDACTED:url-password]@cache.acme.com:6379/0'],
    ['mysql://admin:admin@db.acme.com/x', 'mysql://admin:[REDACTED:url-password]@db.acme.com/x'], // the user is kept even when it equals the password
    ['amqp://svc:p@ss@mq.acme.io/vhost', 'amqp://svc:[REDACTED:url-password]@mq.acme.io/vhost'], // an unencoded @ in the password
  ];
  for (const [text, want] of cases) {
    const r = redactValue({ text });
    assert.equal(r.value.text, want);
    assert.ok(
      r.findings.some((f) => f.detector === 'url-password'),
      text,
    );
    assert.equal(r.findings.filter((f) => f.detector === 'email').length, want.includes('[REDACTED:email]') ? 1 : 0, text);
  }
});

test('any scheme://user:password@host: the password is found as url-password and never as an email', async () => {
  const fc = (await import('fast-check')).default;
  const { redactText } = await import('../../../engine/dlp/scan.js');
  const label = fc.stringMatching(/^[a-z0-9]{1,10}$/);
  const url = fc.record({
    scheme: fc.constantFrom('postgres', 'postgresql', 'mysql', 'redis', 'rediss', 'mongodb+srv', 'amqp', 'https', 'ftp'),
    user: fc.stringMatching(/^[A-Za-z0-9._-]{0,16}$/),
    // 'p4' first: never a placeholder such as "password" or "xxxx"
    password: fc.stringMatching(/^[A-Za-z0-9!$%^*()_+=~.-]{0,24}$/).map((s) => `p4${s}`),
    host: fc
      .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('com', 'io', 'net', 'de', 'internal'))
      .map(([ls, tld]) => [...ls, tld].join('.')),
    rest: fc.constantFrom('', '/db', ':5432/app', '/0?ssl=true'),
  });
  fc.assert(
    fc.property(url, (u) => {
      const r = redactText(`${u.scheme}://${u.user}:${u.password}@${u.host}${u.rest}`);
      assert.equal(r.text, `${u.scheme}://${u.user}:[REDACTED:url-password]@${u.host}${u.rest}`);
      assert.deepEqual(
        r.findings.map((f) => f.detector),
        ['url-password'],
      );
    }),
    { numRuns: 2000 },
  );
});

test('each detector hint is a necessary condition: no text the regex matches is skipped', async () => {
  const fc = (await import('fast-check')).default;
  const { DETECTORS } = await import('../../../engine/dlp/detectors.js');
  const matches = (re: RegExp, text: string) => new RegExp(re.source, re.flags.replace('g', '')).test(text);
  const check = (text: string) => {
    for (const d of DETECTORS) if (d.hint && matches(d.re, text)) assert.ok(d.hint(text), `${d.id}: the hint skips ${JSON.stringify(text.slice(0, 80))}`);
  };
  for (const [, text] of SECRETS) check(text);
  for (const text of NEAR_MISSES) check(text);
  assert.ok(
    SECRETS.every(([id, text]) => DETECTORS.some((d) => d.id === id && d.hint?.(text) !== false)),
    'every sample secret passes its hint',
  );
  // Strings assembled from the detectors' own building blocks (prefixes, separators, alphabets).
  const pieces = [
    'AKIA',
    'ASIA',
    'AIza',
    'ghp_',
    'github_pat_',
    'glpat-',
    'xoxb-',
    'xapp-1-',
    'sk-',
    'sk-ant-api03-',
    'sk_live_',
    'rk_test_',
    'eyJ',
    '.',
    '://',
    '@',
    ':',
    '=',
    '-',
    '_',
    ' ',
    '\n',
    'export ',
    'API_KEY',
    'aws_secret_key',
    'AWS',
    'https://hooks.slack.com/services/T',
    '/B',
    '-----BEGIN ',
    'PRIVATE KEY',
    '-----',
    'a1B2c3D4e5F6g7H8i9J0',
    'ABCDEFGHIJKLMNOP',
    '0123456789',
    'com',
    'x',
    'DE89',
    '536-22-8714',
    'postgres',
    'redis://:',
    '//',
    'admin',
    'db.io',
    '?',
    '#',
    '/',
  ];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 24 }), (parts) => check(parts.join(''))),
    { numRuns: 3000 },
  );
});
