/**
 * The engine's entry point for front ends: the CLI, the MCP server, the daemon and the relay.
 * Adapters use `./adapter-kit.js` instead. Anything not exported here is internal and may
 * change without notice; `npm run check` refuses a deep import into the engine from outside it
 * (see CONTRIBUTING.md). Heavy third-party modules load on first use, so importing this file
 * stays cheap for a command that needs little of it.
 */
export { SfsError, ERROR_CODES, isSfsError, toSfsError, type ErrorCode } from './errors.js';
export { plural } from './plural.js';
export { resolvePaths, logDir, projectionsFile, type SfsPaths } from './paths.js';
export { capturedSessionId, randomSessionId, SESSION_ID_RE, contentHash } from './ids.js';
export { loadConfig, setConfig, configFile, watchKey, SETTINGS, type Config, type ConfigValue, type PathMap } from './config.js';
export { Store, withStore } from './store.js';
export { IDLE_GAP_MS } from './summary/active-time.js';

// The event and message model.
export * from './model/message.js';
export * from './model/events.js';
export { check as checkSchema, assertValid, eventSchema } from './schema/validator.js';

// The log and the projections.
export type { EventLog, AppendRequest, AppendResult, ForeignEvent, IngestResult, LogInfo } from './log/event-log.js';
export { isCorruptDb, type ProjectionDb } from './projections/db.js';
export { refoldSession } from './projections/refold.js';

// Capture.
export type {
  ToolAdapter,
  ToolInstallation,
  ToolName,
  AdapterEnv,
  CaptureSource,
  CapturedSession,
  CaptureProblem,
  ReadResult,
  SessionHeader,
} from './capture/contract.js';
export { TOOL_NAMES } from './capture/contract.js';
export { captureSource, cursorKey as captureCursorKey, type CaptureOptions, type SourceReport } from './capture/capture-source.js';
export { captureAll, type CaptureAllResult } from './capture/capture-all.js';
export { refreshStampCopy, unchangedSplit } from './capture/source-stamp.js';
export { forgetStampCopy } from './capture/stamp-copy.js';
export { DirListing, withListing } from './capture/dir-listing.js';
export { importAll } from './capture/import-all.js';
export { CaptureScheduler, type CaptureJob, type JobOutcome, type QuarantinedSource } from './capture/scheduler.js';
export { toolPresence, watchPlan, type WatchPlan } from './capture/presence.js';
export { findOnPath } from './capture/installation.js';
export { toolHealth, warningKey, UNKNOWN_TYPE_WARN_AFTER, type ToolHealth, type ToolWarning, type ToolWarningKind } from './capture/tool-health.js';
export { groupMessage, groupProblems } from './capture/problem-groups.js';
export { readRegularFileSync } from './capture/regular-file.js';
export { readLines, fingerprint, isSameFileGrown, type FileFingerprint, type JsonlLine } from './capture/jsonl-reader.js';

// Queries.
export {
  listSessions,
  resolveSession,
  getSessionDetail,
  listCheckpoints,
  lineageOf,
  titleOf,
  assertNotEvicted,
  isEvicted,
  lineageChildCounts,
  pullRequestsOf,
  type ListOptions,
} from './queries/sessions.js';
export { sessionTickets, normaliseTicket } from './queries/tickets.js';
export {
  orderedRefs,
  loadMessages,
  pageMessages,
  iterateMessages,
  lastMessageId,
  orderMessageRows,
  type MessageRef,
  type MessageOrderRow,
} from './queries/messages.js';
export { nextMessageVersion, type MessageVersion } from './projections/message-version.js';
export { search, toFtsQuery, type SearchOptions } from './queries/search.js';
export { getSessionContext } from './queries/context.js';
export { directoryScope } from './queries/directory-scope.js';
export {
  getProjectContext,
  getRules,
  knowledgeCounts,
  searchKnowledge,
  type KnowledgeEntry,
  type ProjectContextView,
  type RulesView,
} from './queries/knowledge.js';
export { checkToolName } from './queries/known-tools.js';
export { projectSessionIds } from './queries/project-sessions.js';
export { findRelatedSessions } from './queries/related.js';
export { summarizePeriod, summarizeSession, type WorkSummary } from './queries/summary.js';
export type * from './queries/views.js';

// Operations (each one appends events).
export { forkSession, type ForkOptions } from './ops/fork.js';
export { createCheckpoint } from './ops/checkpoint.js';
export { setAlias, setTitle, setTags } from './ops/metadata.js';
export { deleteSession, restoreSession, purgeSession } from './ops/lifecycle.js';
export { evictSessions, pruneCandidates, type PruneOptions, type PruneCandidate, type EvictionResult } from './ops/prune.js';
export { importSfs, importedSessionId, type ImportResult } from './ops/import-sfs.js';
export { exportSfs, sfsHeader, exportMessages } from './ops/export-sfs.js';
export { storageReport, type StorageReport } from './ops/storage.js';
export { addKnowledge, removeKnowledge, setProjectContext, setRules } from './ops/knowledge.js';
export { resumeInto, writeNativeCopy, type ResumeResult } from './ops/resume.js';
export { remapMessages, mapDirectory, type PathRemap } from './resume/remap-paths.js';

// Resume targets and rules files.
export { RESUME_TARGETS, isResumeTarget, type ResumeTarget } from './resume/types.js';
export type { LaunchSpec } from './resume/writer.js';
export {
  RULES_TEMPLATE,
  RULE_TARGETS,
  RULE_TOOLS,
  isManaged,
  renderTarget,
  targetState,
  type ResumeRules,
  type RuleTarget,
  type TargetResult,
  type TargetState,
} from './rules/compile.js';

// The portable format.
export { readSfsDir, type SfsSession } from './sfs/read-sfs.js';
export { writeSfsDir } from './sfs/write-sfs.js';
export { renderMarkdown, writeMarkdown, headerFromSfs, type TranscriptHeader } from './sfs/markdown.js';
export { estimateCost, priceFor, PRICES_AS_OF } from './pricing.js';

// Projects, secrets, health.
export { projectFromArg, projectOf, type Project } from './project/identity.js';
export { scanValue, redactText, type Finding } from './dlp/scan.js';
export { result, type CheckResult, type CheckStatus } from './doctor/check.js';
export { checkDisk } from './doctor/disk.js';
export { checkStore } from './doctor/store-health.js';

// Replication: the client side of sync, and the wire protocol the relay shares with it.
export { RelayApi } from './replication/api.js';
export { attributeFetched } from './replication/attribute.js';
export { BLOCKED_KEY, SyncClosed, cursorKey as syncCursorKey, pushedKey } from './replication/connection.js';
export { credentialsFile, readCredentials, removeCredentials, requireCredentials, writeCredentials, type Credentials } from './replication/credentials.js';
export { readSyncSettings, syncSettingsFile, writeSyncSettings, type SyncMode } from './replication/settings.js';
export { startSync, syncOnce, type SyncHandle, type SyncOptions, type SyncOnceResult } from './replication/start-sync.js';
export { resolveRemoteSession } from './replication/resolve-remote.js';
export { sessionsHeldByRelay } from './replication/relay-copies.js';
export {
  BATCH_EVENTS,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSIONS,
  decodeFrame,
  encodeFrame,
  policyLevel,
  stricterThan,
  unpackBody,
  type Author,
  type ClientFrame,
  type DlpPolicy,
  type ErrorFrame,
  type ProtocolErrorCode,
  type Push,
  type RelayFrame,
  type SpaceInfo,
  type WireEvent,
} from './replication/protocol.js';
export * from './replication/relay-codes.js';
