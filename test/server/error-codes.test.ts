import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, SfsError, type ErrorCode } from '../../engine/errors.js';
import { RELAY_TO_CLIENT, clientCodeOf, type RelayErrorCode } from '../../engine/replication/relay-codes.js';
import { relayError } from '../../engine/replication/api.js';
import { SyncClosed } from '../../engine/replication/connection.js';
import { StoreLockedError } from '../../engine/log/local-log.js';
import { OwnerGoneError } from '../../engine/log/remote-log.js';
import { RELAY_STATUS, RelayError, protocolCode } from '../../server/errors.js';

const README = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const clientCodes = Object.keys(ERROR_CODES) as ErrorCode[];
const relayCodes = Object.keys(RELAY_STATUS) as RelayErrorCode[];

test('every client code has its own exit code, and the README table lists each with it', () => {
  const exits = clientCodes.map((c) => ERROR_CODES[c]);
  assert.equal(new Set(exits).size, exits.length, 'exit codes are distinct');
  for (const code of clientCodes) {
    assert.ok(Number.isInteger(ERROR_CODES[code]) && ERROR_CODES[code] > 1 && ERROR_CODES[code] < 126, code);
    assert.match(README, new RegExp(`\\| ${ERROR_CODES[code]} \\| \`${code}\` \\|`), `README exit-code row for ${code}`);
  }
});

test('every relay code has an HTTP status, a client code, and a row in the README', () => {
  assert.deepEqual(new Set(Object.keys(RELAY_TO_CLIENT)), new Set(relayCodes), 'the relay and the client know the same codes');
  for (const code of relayCodes) {
    const status = new RelayError(code, 'x').status;
    assert.ok(status >= 400 && status < 600, `${code} → ${status}`);
    assert.ok(clientCodes.includes(RELAY_TO_CLIENT[code]), `${code} → ${RELAY_TO_CLIENT[code]}`);
    assert.match(README, new RegExp(`\\| \`${code}\` \\| ${status} \\| \`${RELAY_TO_CLIENT[code]}\` \\|`), `README relay-code row for ${code}`);
  }
});

test('the HTTP API and the sync socket map a relay code to the same client code', () => {
  for (const code of relayCodes) {
    const http = relayError(RELAY_STATUS[code], code, 'refused', 'http://relay');
    const ws = new SyncClosed('refused', true, code);
    assert.equal(http.code, RELAY_TO_CLIENT[code], `HTTP ${code}`);
    assert.equal(ws.code, RELAY_TO_CLIENT[code], `socket ${code}`);
    // Over the socket an HTTP-only code arrives as INVALID: it still maps as the HTTP one would, or to INVALID_INPUT.
    assert.ok([RELAY_TO_CLIENT[code], 'INVALID_INPUT'].includes(new SyncClosed('x', true, protocolCode(code)).code), code);
  }
  // Without a relay code (a proxy's answer, a dropped connection): by the status, else IO.
  assert.equal(clientCodeOf(undefined, 502), 'IO');
  assert.equal(clientCodeOf('SOMETHING_NEW', 404), 'NOT_FOUND');
  assert.equal(new SyncClosed('connection reset', false).code, 'IO');
  assert.equal(relayError(401, 'AUTH', 'invalid token', 'r').message, 'relay r: invalid token (sign in again: sfs auth login)');
});

test('internal errors carry stable codes and are still caught by their class', () => {
  for (const [err, cls, code] of [
    [new StoreLockedError(), StoreLockedError, 'STORE_BUSY'],
    [new OwnerGoneError('closed'), OwnerGoneError, 'STORE_BUSY'],
    [new SyncClosed('refused', true, 'QUOTA'), SyncClosed, 'IO'],
  ] as const) {
    assert.ok(err instanceof cls && err instanceof SfsError && err instanceof Error);
    assert.equal(err.code, code);
    assert.equal(err.exitCode, ERROR_CODES[code]);
  }
  assert.equal(new SyncClosed('refused', true, 'QUOTA').relayCode, 'QUOTA');
});
