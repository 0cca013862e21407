/**
 * The engine's entry point for adapters (`adapters/**`): the capture contract, the message
 * model, the bounded file readers and the resume writer contract. Adapters import nothing
 * else of the engine; `npm run check` refuses a deep import (see CONTRIBUTING.md).
 */
export { SfsError } from './errors.js';
export { digestHex } from './ids.js';

// The message model adapters produce.
export type { ContentBlock, ImageBlock, Message, Role, ToolResultBlock, ToolUseBlock, Usage } from './model/message.js';
export { unwrapUserInput } from './model/user-input-wrapper.js';
export type { PullRequestLink } from './model/events.js';

// The capture contract.
export type {
  AdapterEnv,
  CaptureProblem,
  CaptureSource,
  CapturedSession,
  ReadOptions,
  ReadResult,
  SessionHeader,
  ToolAdapter,
  ToolInstallation,
  ToolName,
} from './capture/contract.js';
// How an adapter lists directories while locating sources (shared within one capture pass).
export { listDir } from './capture/dir-listing.js';
// How an adapter reads the installed version of its tool without running it.
export { probeInstallation, type InstallationProbe } from './capture/installation.js';

// Readers that bound what a native file can cost: line length, nesting depth, file kind.
export { jsonTextTooDeep, parseJsonBounded, tooDeepMessage } from './capture/json-depth.js';
export { forEachJsonObject } from './capture/jsonl-objects.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  fingerprintHandle,
  isSameFileGrown,
  oversizedLineMessage,
  readLines,
  type FileFingerprint,
  type JsonlLine,
} from './capture/jsonl-reader.js';
export {
  NotRegularFileError,
  assertRegularFileSync,
  fileKind,
  openRegularFile,
  openRegularFileSync,
  readRegularFile,
  readRegularFileSync,
} from './capture/regular-file.js';

// The resume writer contract.
export type { PreparedSession, ResumeTarget } from './resume/types.js';
export type { SessionWriter, WriteOptions, WrittenSession } from './resume/writer.js';
