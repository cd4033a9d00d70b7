import type { TreeChanges } from '../versions/content-tree.js';
import type { UploadFile } from '../versions/upload.js';
import type { VersionRecord } from '../versions/version-store.js';
import type { ContentError } from '../yaml-file.js';

/**
 * Publishing content through the chat (and the command line): the shapes the flows, the publisher and the preview
 * share. The flows see only `PublishingPort`; the composition root passes the real `ContentPublisher`.
 */

/** The kinds of item a content file holds, as a trainer reads them. */
export type ItemKind =
  | 'article'
  | 'module'
  | 'glossary'
  | 'questionnaire'
  | 'questionnaire-text'
  | 'country'
  | 'danger-signs'
  | 'urgent-phrases';

/** One item added, changed or removed by an upload. */
export interface ItemChange {
  change: 'added' | 'changed' | 'removed';
  kind: ItemKind;
  /** The item's id (a country's code, a glossary's topic). */
  id: string;
  /** The language of this file's text (articles, modules, questionnaire texts); null for language-neutral items. */
  lang: string | null;
  /** Its title in that language (the live one for a removed item). */
  title: string;
  /** The content file, relative to the content folder. */
  file: string;
  /** Short facts a trainer checks at a glance, e.g. {sections: 4} or {steps: 6, quiz: 5} or {questions: 9}. */
  counts: Record<string, number>;
  /** For a changed item, what else changed in words for a trainer ("title", "sections[2].body", ...), at most 10. */
  fields: string[];
  /** For a changed item, the live item's counts (so a trainer reads "steps 6 -> 7"). */
  countsBefore?: Record<string, number>;
  /** An earlier version kept in questionnaires/archive/ (its version number), for stored screenings. */
  archived?: number;
}

/** One threshold or rule of a questionnaire before and after, in the questionnaire's own terms. */
export interface LogicChange {
  questionnaire: string;
  /** What it is: `rules.fast_breathing.when`, `scoring.bands[1].min`, `questions.systolic.options`, `version`. */
  place: string;
  before: string | null;
  after: string | null;
  /** Set when the change is to an earlier version kept in the archive (its version number), not the current one. */
  archived?: number;
}

/** Why a change needs a clinician before it goes live. */
export interface ClinicalChange {
  kind: 'questionnaire-logic' | 'danger-signs' | 'emergency-number';
  /** The questionnaire id, `danger-signs`, or the country code. */
  id: string;
  /** One line for the clinician, e.g. "emergency number 112 -> 999". */
  detail: string;
}

/** What an upload would change, for the trainer's preview and the clinician's review. */
export interface Preview {
  files: TreeChanges;
  items: ItemChange[];
  logic: LogicChange[];
  /** Test cases of every added or changed questionnaire, run on the new content. */
  tests: { questionnaire: string; passed: number; failed: string[] }[];
  clinical: ClinicalChange[];
}

/** A checked upload waiting to be published (trainer's confirmation) or approved (clinician). */
export interface Proposal {
  id: string;
  /** User id of the trainer, or `cli`. */
  by: string;
  at: string;
  note: string;
  /** The files as uploaded (after placing: paths inside the content folder). */
  files: { path: string; text: string }[];
  /** The live version the upload was checked against. */
  baseVersion: number;
  /** `draft`: checked, not yet confirmed by the trainer; `pending`: waits for a clinician. */
  status: 'draft' | 'pending' | 'published' | 'rejected' | 'discarded';
  preview: Preview;
  needsApproval: boolean;
  decidedBy?: string;
  decidedAt?: string;
  /** The clinician's reason for a rejection. */
  reason?: string;
  publishedVersion?: number;
}

export type CheckResult =
  /** Refused before validation (too big, not text, hostile zip...): `message` is in English for logs, `code` picks
   * the trainer's text, `params` fill it. */
  | { status: 'refused'; code: string; params: Record<string, string | number>; message: string }
  | { status: 'invalid'; errors: ContentError[] }
  | { status: 'unchanged' }
  | { status: 'ready'; proposal: Proposal };

export type PublishOutcome =
  | {
      status: 'published';
      record: VersionRecord;
      /** Passages embedded for the new version (only new or changed ones). */
      embedded: number;
      /** Milliseconds from the call to the new version serving. */
      ms: number;
    }
  /** Waits for a clinician (the proposal is now `pending`). */
  | { status: 'pending'; proposal: Proposal }
  | { status: 'invalid'; errors: ContentError[] }
  | { status: 'unchanged' }
  /** The proposal is gone or already decided. */
  | { status: 'gone' };

/** Publishing as the flows see it. Every method is safe to call twice (a message may be handled again). */
export interface PublishingPort {
  /** Reads, places and validates an upload against the live content; a valid one becomes a `draft` proposal. */
  check(upload: { name: string; bytes: Uint8Array }, by: string): Promise<CheckResult>;
  /** Checks files already read (the command line). */
  checkFiles(files: UploadFile[], by: string): Promise<CheckResult>;
  proposal(id: string): Promise<Proposal | undefined>;
  /** Proposals waiting for a clinician, oldest first. */
  pending(): Promise<Proposal[]>;
  /**
   * The trainer confirms: published at once, or `pending` when it needs a clinician (CONTENT_APPROVAL). The upload
   * is placed again on the content live now, so a version published meanwhile is not undone.
   */
  submit(id: string, by: string, note: string): Promise<PublishOutcome>;
  /** A clinician approves: the changed items' review records name her and the date, and it goes live. */
  approve(id: string, clinician: { id: string; name: string }): Promise<PublishOutcome>;
  reject(id: string, clinician: { id: string }, reason: string): Promise<Proposal | undefined>;
  discard(id: string): Promise<void>;
  /** Items still `draft` in the live content (what a clinician may approve), by id. */
  drafts(): { kind: ItemKind; id: string; lang: string | null; title: string; topic: string | null }[];
  /** Marks live items approved by a clinician (review record: status, by, date) as a new version. */
  approveItems(
    items: { id: string; lang: string | null }[],
    clinician: { id: string; name: string },
  ): Promise<PublishOutcome>;
  history(): Promise<(VersionRecord & { current: boolean })[]>;
  /** Version n live again, as a new version. */
  rollback(n: number, by: string): Promise<PublishOutcome>;
  /** The content of a draft or pending proposal as a version that is not live, for the trainer to try; its id. */
  tryOut(id: string): Promise<string | undefined>;
}
