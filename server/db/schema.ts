import type { ColumnType, Generated } from 'kysely';

/** The relay's tables, as Kysely sees them. Migrations in migrations.ts create them. */
export interface RelayDb {
  accounts: {
    id: string;
    username: string;
    password_hash: string;
    created_at: Generated<Date>;
    /** Wrong passwords since the last success or lockout; at the relay's limit the account is locked until locked_until. */
    failed_logins: Generated<number>;
    locked_until: Date | null;
    /** Body bytes this account's pushes stored (every space they went into): what the quota counts. */
    stored_bytes: ColumnType<string, string | number | undefined, string | number>;
    /** Where handoff notices go (migration 0007); null: none are sent. */
    email: ColumnType<string | null, string | null | undefined, string | null>;
  };
  tokens: {
    id: string;
    account_id: string;
    token_hash: string;
    name: string;
    created_at: Generated<Date>;
    last_used_at: Date | null;
    revoked_at: Date | null;
  };
  devices: {
    origin: string;
    account_id: string;
    /** The name the device reports in its hello (its host name). */
    name: string | null;
    created_at: Generated<Date>;
    last_seen_at: Date | null;
    /** The name its account gave it (sfs device rename); shown instead of `name` (migration 0007). */
    label: ColumnType<string | null, string | null | undefined, string | null>;
    /** The token the device last synced with: revoking the device revokes it. */
    token_id: ColumnType<string | null, string | null | undefined, string | null>;
  };
  spaces: {
    id: string;
    name: string;
    kind: 'personal' | 'team';
    dlp_policy: 'warn' | 'redact' | 'block';
    /** The per-space order counter: updated inside each inserting transaction, so commits serialise per space. */
    next_rseq: ColumnType<string, string | number | undefined, string | number>;
    created_at: Generated<Date>;
  };
  /** An offer of membership: the invitee becomes a member only by accepting it (migration 0005). */
  invitations: {
    id: string;
    space_id: string;
    invitee: string;
    role: 'admin' | 'member';
    invited_by: string;
    created_at: Generated<Date>;
    expires_at: Date;
    state: 'pending' | 'accepted' | 'declined' | 'cancelled';
    answered_at: Date | null;
  };
  members: { space_id: string; account_id: string; role: 'owner' | 'admin' | 'member'; created_at: Generated<Date> };
  events: {
    space_id: string;
    rseq: ColumnType<string, string | number, never>;
    origin: string;
    seq: ColumnType<string, string | number, never>;
    type: string;
    v: number;
    ts: ColumnType<string, string | number, never>;
    session: string | null;
    body: Buffer | null;
    /** The strictest DLP policy the content satisfies: 0 warn, 1 redact, 2 block (see migration 0003). */
    dlp_level: ColumnType<number, number | undefined, never>;
  };
  /** How far each origin has pushed into each space (gap check and resume point). */
  streams: { space_id: string; origin: string; frontier: ColumnType<string, string | number, string | number> };
  /** Sessions shared into a space, one row per sharing account: that account's events of the session pushed elsewhere are routed here too. */
  shares: { space_id: string; session: string; shared_by: string; created_at: Generated<Date> };
  /** Rate-limit budget handed out per key and fixed window (epoch ms of its start). */
  rate_windows: { key: string; window_start: ColumnType<string, string | number, never>; used: ColumnType<string, string | number, string | number> };
  /**
   * Who changed membership, policy, tokens or devices, and when (migration 0007). Written in the transaction
   * of the change it records, never through the API. A space's entries (space_id) are read by its owner
   * and admins; an account's own entries (account_id, no space) by that account.
   */
  audit_log: {
    id: ColumnType<string, never, never>;
    at: Generated<Date>;
    actor: string | null;
    actor_name: string;
    space_id: string | null;
    account_id: string | null;
    action: string;
    target: string | null;
    details: ColumnType<Record<string, unknown>, string, never>;
  };
  /**
   * Signed-in browsers of the dashboard (migration 0009): the cookie holds a random secret, this table only its
   * SHA-256 (a database leak gives no usable cookie). Signing out deletes the row; expired rows are refused.
   */
  web_sessions: {
    id: string;
    secret_hash: string;
    account_id: string;
    created_at: Generated<Date>;
    expires_at: Date;
    last_used_at: Date | null;
  };
  handoffs: {
    id: string;
    session: string;
    from_account: string;
    to_account: string;
    source_space: string;
    message: string | null;
    created_at: Generated<Date>;
    accepted_at: Date | null;
    /** The snapshot: the session's highest rseq in source_space when handed off (or last extended); accepting copies up to it. */
    upto_rseq: ColumnType<string, string | number, string | number>;
    expires_at: Date;
    cancelled_at: Date | null;
    /** The recipient declined it (migration 0010). */
    declined_at: Generated<Date | null>;
  };
}
