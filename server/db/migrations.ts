import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { VIEWS_MIGRATION } from '../views/schema-migration.js';

/**
 * Versioned migrations, in code so the compiled relay carries them. Never edit a
 * released one: add the next. Kysely records applied names in kysely_migration.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<any>) {
      // One statement per query: PGlite's extended protocol takes a single statement.
      for (const stmt of INITIAL.split(/;\s*\n/)
        .map((x) => x.trim())
        .filter(Boolean))
        await sql.raw(stmt).execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`drop table handoffs, shares, streams, events, members, spaces, devices, tokens, accounts`.execute(db);
    },
  },
  // Every push asks whether its sessions were purged in the target space; without this the
  // question reads every event of those sessions.
  '0002_purged_index': {
    async up(db: Kysely<any>) {
      await sql`create index events_purged on events(space_id, session) where type = 'session.purged'`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`drop index events_purged`.execute(db);
    },
  },
  // The strictest DLP policy each stored event's content satisfies (0 warn, 1 redact, 2 block):
  // 2 when the client found nothing in it, else the policy it was scrubbed under. A share or a
  // handoff copies an event into another space only if that space's policy is not stricter.
  // Rows stored before this are of unknown scrubbing: 0, never copied into a redact/block space.
  '0003_dlp_level': {
    async up(db: Kysely<any>) {
      await sql`alter table events add column dlp_level smallint not null default 0`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`alter table events drop column dlp_level`.execute(db);
    },
  },
  // Rate-limit budgets shared by every relay process (server/rate-limit.ts): units handed out per key and window.
  '0004_rate_windows': {
    async up(db: Kysely<any>) {
      await sql`create table rate_windows (key text not null, window_start bigint not null, used bigint not null, primary key (key, window_start))`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`drop table rate_windows`.execute(db);
    },
  },
  // Membership by consent (invitations), one owner per space, login lockout and stored-bytes quota counters.
  '0005_invitations_limits': {
    async up(db: Kysely<any>) {
      await sql`create table invitations (
        id text primary key,
        space_id text not null references spaces(id) on delete cascade,
        invitee text not null references accounts(id) on delete cascade,
        role text not null check (role in ('admin', 'member')),
        invited_by text not null references accounts(id) on delete cascade,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        state text not null default 'pending' check (state in ('pending', 'accepted', 'declined', 'cancelled')),
        answered_at timestamptz
      )`.execute(db);
      // At most one open invitation per space and invitee: inviting again renews it.
      await sql`create unique index invitations_pending on invitations(space_id, invitee) where state = 'pending'`.execute(db);
      await sql`create index invitations_invitee on invitations(invitee) where state = 'pending'`.execute(db);
      await sql`create unique index members_one_owner on members(space_id) where role = 'owner'`.execute(db);
      await sql`alter table accounts add column failed_logins integer not null default 0`.execute(db);
      await sql`alter table accounts add column locked_until timestamptz`.execute(db);
      await sql`alter table accounts add column stored_bytes bigint not null default 0`.execute(db);
      // What the account's devices stored so far, so the quota counts from the start.
      await sql`update accounts a set stored_bytes = coalesce((select sum(octet_length(e.body)) from events e join devices d on d.origin = e.origin where d.account_id = a.id and e.body is not null), 0)`.execute(
        db,
      );
    },
    async down(db: Kysely<any>) {
      await sql`drop table invitations`.execute(db);
      await sql`drop index members_one_owner`.execute(db);
      await sql`alter table accounts drop column failed_logins, drop column locked_until, drop column stored_bytes`.execute(db);
    },
  },
  // Who may share and what a handoff grants (issue 9). A share is one account's: two accounts
  // holding the same session id each share their own events, so the key includes the sharer.
  // A handoff copies the session as it was when handed off (upto_rseq: its highest relay order in
  // the source space then), expires, and can be cancelled. Handoffs made before this keep their
  // content as of now and expire seven days after they were made.
  '0006_share_owner_handoff_grant': {
    async up(db: Kysely<any>) {
      await sql`alter table shares drop constraint shares_pkey`.execute(db);
      await sql`alter table shares add primary key (space_id, session, shared_by)`.execute(db);
      await sql`alter table handoffs add column upto_rseq bigint`.execute(db);
      await sql`update handoffs set upto_rseq = coalesce((select max(rseq) from events e where e.space_id = handoffs.source_space and e.session = handoffs.session), 0)`.execute(
        db,
      );
      await sql`alter table handoffs alter column upto_rseq set not null`.execute(db);
      await sql`alter table handoffs add column expires_at timestamptz`.execute(db);
      await sql`update handoffs set expires_at = created_at + interval '7 days'`.execute(db);
      await sql`alter table handoffs alter column expires_at set not null`.execute(db);
      await sql`alter table handoffs add column cancelled_at timestamptz`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`alter table handoffs drop column upto_rseq, drop column expires_at, drop column cancelled_at`.execute(db);
      await sql`delete from shares a using shares b where a.space_id = b.space_id and a.session = b.session and a.created_at > b.created_at`.execute(db);
      await sql`alter table shares drop constraint shares_pkey`.execute(db);
      await sql`alter table shares add primary key (space_id, session)`.execute(db);
    },
  },
  // Team administration (issue 13): an append-only audit log of membership, policy, token and device
  // changes, written in the transaction of each change; an account's optional e-mail address (handoff
  // notices); a device's own name given by its account, which the name its hello reports does not overwrite;
  // and the token a device last synced with, so revoking a device revokes that token.
  '0007_audit_email_devices': {
    async up(db: Kysely<any>) {
      await sql`create table audit_log (
        id bigint generated always as identity primary key,
        at timestamptz not null default now(),
        actor text references accounts(id) on delete set null,
        actor_name text not null,
        space_id text references spaces(id) on delete cascade,
        account_id text references accounts(id) on delete cascade,
        action text not null,
        target text,
        details jsonb not null default '{}'
      )`.execute(db);
      await sql`create index audit_space on audit_log(space_id, id) where space_id is not null`.execute(db);
      await sql`create index audit_account on audit_log(account_id, id) where account_id is not null`.execute(db);
      await sql`alter table accounts add column email text`.execute(db);
      await sql`alter table devices add column label text`.execute(db);
      await sql`alter table devices add column token_id text`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`drop table audit_log`.execute(db);
      await sql`alter table accounts drop column email`.execute(db);
      await sql`alter table devices drop column label, drop column token_id`.execute(db);
    },
  },
  // Server-side views of each space's events (issue 13; server/views/).
  '0008_views': VIEWS_MIGRATION,
  // Browser sign-in for the dashboard the relay serves: the cookie holds a random secret, the table its SHA-256.
  '0009_web_sessions': {
    async up(db: Kysely<any>) {
      await sql`create table web_sessions (
        id text primary key,
        secret_hash text not null unique,
        account_id text not null references accounts(id) on delete cascade,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        last_used_at timestamptz
      )`.execute(db);
      await sql`create index web_sessions_account on web_sessions(account_id)`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`drop table web_sessions`.execute(db);
    },
  },
  // A handoff's recipient may decline it (the dashboard's inbox): it can no longer be taken, and its
  // sender sees that it was declined rather than left to expire.
  '0010_handoff_declined': {
    async up(db: Kysely<any>) {
      await sql`alter table handoffs add column declined_at timestamptz`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`alter table handoffs drop column declined_at`.execute(db);
    },
  },
};

const INITIAL = `
        create table accounts (
          id text primary key,
          username text not null unique,
          password_hash text not null,
          created_at timestamptz not null default now()
        );
        create table tokens (
          id text primary key,
          account_id text not null references accounts(id) on delete cascade,
          token_hash text not null unique,
          name text not null,
          created_at timestamptz not null default now(),
          last_used_at timestamptz,
          revoked_at timestamptz
        );
        create table devices (
          origin text primary key,
          account_id text not null references accounts(id) on delete cascade,
          name text,
          created_at timestamptz not null default now(),
          last_seen_at timestamptz
        );
        create table spaces (
          id text primary key,
          name text not null unique,
          kind text not null check (kind in ('personal', 'team')),
          dlp_policy text not null default 'redact' check (dlp_policy in ('warn', 'redact', 'block')),
          next_rseq bigint not null default 0,
          created_at timestamptz not null default now()
        );
        create table members (
          space_id text not null references spaces(id) on delete cascade,
          account_id text not null references accounts(id) on delete cascade,
          role text not null check (role in ('owner', 'admin', 'member')),
          created_at timestamptz not null default now(),
          primary key (space_id, account_id)
        );
        create index members_account on members(account_id);
        create table events (
          space_id text not null references spaces(id) on delete cascade,
          rseq bigint not null,
          origin text not null,
          seq bigint not null,
          type text not null,
          v integer not null,
          ts bigint not null,
          session text,
          body bytea,
          primary key (space_id, rseq),
          unique (space_id, origin, seq)
        );
        create index events_session on events(space_id, session, rseq);
        create table streams (
          space_id text not null references spaces(id) on delete cascade,
          origin text not null,
          frontier bigint not null,
          primary key (space_id, origin)
        );
        create table shares (
          space_id text not null references spaces(id) on delete cascade,
          session text not null,
          shared_by text not null references accounts(id) on delete cascade,
          created_at timestamptz not null default now(),
          primary key (space_id, session)
        );
        create index shares_session on shares(session);
        create table handoffs (
          id text primary key,
          session text not null,
          from_account text not null references accounts(id) on delete cascade,
          to_account text not null references accounts(id) on delete cascade,
          source_space text not null references spaces(id) on delete cascade,
          message text,
          created_at timestamptz not null default now(),
          accepted_at timestamptz
        );
`;

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return MIGRATIONS;
  },
};
