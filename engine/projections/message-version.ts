/**
 * Which version of a message shows when another one arrives under the same id: the newest
 * revision, else the earliest capture; the message keeps the earliest position it was seen at.
 * One rule for the local projections (fold.ts) and the relay's views (server/views/fold-rules.ts).
 */
export interface MessageVersion {
  ord: string;
  orig_stamp: string | null;
  rev_stamp: string | null;
}

export function nextMessageVersion(existing: MessageVersion, ord: string, stamp: string, isRevision: boolean): MessageVersion & { replace: boolean } {
  let replace: boolean;
  let origStamp = existing.orig_stamp;
  let revStamp = existing.rev_stamp;
  if (isRevision) {
    replace = !revStamp || revStamp < stamp;
    if (replace) revStamp = stamp;
  } else {
    replace = !revStamp && (!origStamp || stamp < origStamp);
    if (!origStamp || stamp < origStamp) origStamp = stamp;
  }
  return { ord: ord < existing.ord ? ord : existing.ord, orig_stamp: origStamp, rev_stamp: revStamp, replace };
}
