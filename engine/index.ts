/**
 * The engine's public surface: what adapters, the CLI, the MCP server and the relay may
 * use. Anything not exported here is internal and may change without notice.
 */
export { SfsError, ERROR_CODES, isSfsError, toSfsError, type ErrorCode } from './errors.js';
export { resolvePaths, logDir, projectionsFile, type SfsPaths } from './paths.js';
export { capturedSessionId, randomSessionId, SESSION_ID_RE, contentHash } from './ids.js';
export { loadConfig, setConfig, SETTINGS, type Config } from './config.js';
export { Store, withStore } from './store.js';

export * from './model/message.js';
export * from './model/events.js';

export type { EventLog, AppendRequest, AppendResult, ForeignEvent, IngestResult, LogInfo } from './log/event-log.js';
export { check as checkSchema, assertValid } from './schema/validator.js';

export type { ToolAdapter, ToolName, AdapterEnv, CaptureSource, CapturedSession, CaptureProblem, ReadResult, SessionHeader } from './capture/contract.js';
export { TOOL_NAMES } from './capture/contract.js';
export { captureSource, cursorKey, type SourceReport } from './capture/capture-source.js';
export { readLines, fingerprint, isSameFileGrown, type FileFingerprint, type JsonlLine } from './capture/jsonl-reader.js';

export { listSessions, resolveSession, getSessionDetail, listCheckpoints, lineageOf, titleOf, type ListOptions } from './queries/sessions.js';
export { orderedRefs, pageMessages, iterateMessages, lastMessageId, type MessageRef } from './queries/messages.js';
export { search, toFtsQuery, type SearchOptions } from './queries/search.js';
export type * from './queries/views.js';

export { forkSession, type ForkOptions } from './ops/fork.js';
export { createCheckpoint } from './ops/checkpoint.js';
export { setAlias, setTitle, setTags } from './ops/metadata.js';
export { deleteSession, restoreSession, purgeSession } from './ops/lifecycle.js';
export { evictSessions, pruneCandidates, type PruneOptions, type PruneCandidate, type EvictionResult } from './ops/prune.js';
export { importSfs, importedSessionId, type ImportResult } from './ops/import-sfs.js';
export { exportSfs, sfsHeader, exportMessages } from './ops/export-sfs.js';
export { storageReport, type StorageReport } from './ops/storage.js';

export { readSfsDir, type SfsSession } from './sfs/read-sfs.js';
export { writeSfsDir } from './sfs/write-sfs.js';
export { renderMarkdown, writeMarkdown } from './sfs/markdown.js';
export { estimateCost, priceFor, PRICES_AS_OF } from './pricing.js';
