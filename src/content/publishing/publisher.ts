import { LineCounter, parseDocument } from 'yaml';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../logging/logger.js';
import type { ContentSet } from '../content-set.js';
import type { LiveContent } from '../live-content.js';
import { diffTrees, isUnchanged } from '../versions/content-tree.js';
import { placeUpload } from '../versions/place-upload.js';
import { readUpload, type UploadFile, UploadRefused } from '../versions/upload.js';
import type {
  ContentVersionStore,
  LiveState,
  LoadedContent,
  RecordMeta,
  Staged,
  Transaction,
} from '../versions/version-store.js';
import type { ContentError } from '../yaml-file.js';
import { archiveAdditions } from './archive.js';
import { buildPreview } from './preview.js';
import { ProposalStore, proposalId } from './proposals.js';
import { type Approval, approvedFiles, approveReview, type DraftItem, draftItems } from './review-records.js';
import type { CheckResult, Preview, Proposal, PublishingPort, PublishOutcome } from './types.js';
import type { ContentWatcher } from './watcher.js';
import type { Previewer } from './worker-loader.js';

export type ApprovalPolicy = 'clinical' | 'all';

export interface ContentPublisherOptions {
  store: ContentVersionStore;
  /** The bot's live content; absent on the command line (nothing to swap, nothing to try out). */
  live?: LiveContent;
  /** Told which version this process made live, so it does not load it again. */
  watcher?: ContentWatcher;
  /** CONTENT_APPROVAL: `clinical` (default) holds clinical changes for a clinician; `all` holds every change. */
  approval?: ApprovalPolicy;
  clock?: Clock;
  /**
   * Builds an upload's preview off this thread (the worker that loaded it); default: here (the command line).
   */
  preview?: Previewer;
  /** For the date in a review record (YYYY-MM-DD in the programme's time zone). Default UTC. */
  timeZone?: string;
  logger?: Logger;
}

type Candidate =
  | { status: 'invalid'; errors: ContentError[] }
  | { status: 'unchanged' }
  | { status: 'ready'; staged: Staged; preview: Preview; needsApproval: boolean };

/** Proposals' content kept in memory for `tryOut` (a few: each is the whole content). */
const KEEP_CANDIDATES = 3;

/**
 * Publishing as the chat and the command line use it: an upload is checked against the live content and becomes a
 * draft proposal with its preview; the trainer confirms it (published at once, or held for a clinician when it
 * changes a questionnaire's logic, a danger sign or an emergency number); a clinician approves it (the review
 * records name her and the date) or rejects it. Every publish is a new version in the version store, swapped into
 * the live content at once. Loading and checking a whole content folder runs in the store's loader (a worker
 * thread in the bot).
 */
export class ContentPublisher implements PublishingPort {
  private readonly proposals: ProposalStore;
  private readonly now: () => Date;
  /** The live version's content by version number, for previews (the live content's own when it is that one). */
  private liveCache: { version: number; content: ContentSet } | null = null;
  private readonly contents = new Map<string, { content: ContentSet; contentId: string }>();
  /** Proposal id -> the content version id it was tried out as. */
  private readonly tried = new Map<string, string>();
  private busyCount = 0;

  constructor(private readonly options: ContentPublisherOptions) {
    this.now = options.clock ? () => options.clock?.now() ?? new Date() : () => new Date();
    this.proposals = new ProposalStore(options.store.root, this.now);
  }

  /** Whether this process is publishing now (the watcher waits meanwhile). */
  get busy(): boolean {
    return this.busyCount > 0;
  }

  async check(upload: { name: string; bytes: Uint8Array }, by: string): Promise<CheckResult> {
    let files: UploadFile[];
    try {
      files = readUpload(upload.name, upload.bytes);
    } catch (error) {
      if (error instanceof UploadRefused) return refused(error);
      throw error;
    }
    return this.checkFiles(files, by);
  }

  async checkFiles(files: UploadFile[], by: string): Promise<CheckResult> {
    await this.prune();
    await this.options.watcher?.sync();
    const state = await this.options.store.live();
    let placed: { path: string; text: string }[];
    try {
      placed = [...placeUpload(files, state.tree)].map(([path, text]) => ({ path, text }));
    } catch (error) {
      if (error instanceof UploadRefused) return refused(error);
      throw error;
    }
    const candidate = await this.candidate(state, placed, { sync: false });
    if (candidate.status !== 'ready') return candidate;
    const { staged, preview, needsApproval } = candidate;
    await staged.dispose();
    const proposal: Proposal = {
      id: proposalId(),
      by,
      at: this.now().toISOString(),
      note: '',
      files: placed,
      baseVersion: state.version,
      status: 'draft',
      preview,
      needsApproval,
    };
    await this.proposals.put(proposal);
    this.remember(proposal.id, staged);
    return { status: 'ready', proposal };
  }

  proposal(id: string): Promise<Proposal | undefined> {
    return this.proposals.get(id);
  }

  async pending(): Promise<Proposal[]> {
    await this.prune();
    return (await this.proposals.all()).filter((p) => p.status === 'pending');
  }

  async submit(id: string, by: string, note: string): Promise<PublishOutcome> {
    const started = Date.now();
    const proposal = await this.proposals.get(id);
    if (!proposal || (proposal.status !== 'draft' && proposal.status !== 'pending'))
      return { status: 'gone' };
    if (proposal.status === 'pending') return { status: 'pending', proposal };
    return this.publishing((tx) =>
      this.decide(tx, proposal, proposal.files, started, (candidate) => {
        const checked: Proposal = {
          ...proposal,
          note,
          preview: candidate.preview,
          needsApproval: candidate.needsApproval,
          baseVersion: tx.live.version,
        };
        if (candidate.needsApproval) return { hold: { ...checked, status: 'pending' } };
        return { proposal: checked, meta: { by, note, proposal: proposal.id }, decidedBy: by };
      }),
    );
  }

  async approve(id: string, clinician: { id: string; name: string }): Promise<PublishOutcome> {
    const started = Date.now();
    const proposal = await this.proposals.get(id);
    if (proposal?.status !== 'pending') return { status: 'gone' };
    const approval = this.approval(clinician.name);
    return this.publishing((tx) => {
      // The review record of every item it adds or changes (a file that differs from the live one now).
      const files = proposal.files.map((file) => {
        const live = tx.live.tree.get(file.path);
        if (live && Buffer.from(live).toString('utf8') === file.text) return file;
        return { path: file.path, text: approveReview(file.text, approval) ?? file.text };
      });
      return this.decide(tx, proposal, files, started, (candidate) => ({
        proposal: { ...proposal, preview: candidate.preview, baseVersion: tx.live.version },
        meta: {
          by: proposal.by,
          note: proposal.note,
          proposal: proposal.id,
          approvedBy: approval.name,
          approvedAt: this.now().toISOString(),
        },
        decidedBy: clinician.id,
      }));
    });
  }

  async reject(id: string, clinician: { id: string }, reason: string): Promise<Proposal | undefined> {
    const proposal = await this.proposals.get(id);
    if (proposal?.status === 'rejected') return proposal;
    if (proposal?.status !== 'pending') return undefined;
    const rejected: Proposal = {
      ...proposal,
      status: 'rejected',
      decidedBy: clinician.id,
      decidedAt: this.now().toISOString(),
      reason,
    };
    await this.proposals.put(rejected);
    this.forget(id);
    return rejected;
  }

  async discard(id: string): Promise<void> {
    const proposal = await this.proposals.get(id);
    if (proposal?.status === 'draft' || proposal?.status === 'pending')
      await this.proposals.put({ ...proposal, status: 'discarded', decidedAt: this.now().toISOString() });
    this.forget(id);
  }

  drafts(): DraftItem[] {
    const content = this.options.live?.current().content ?? this.liveCache?.content;
    return content ? draftItems(content) : [];
  }

  async approveItems(
    items: { id: string; lang: string | null }[],
    clinician: { id: string; name: string },
  ): Promise<PublishOutcome> {
    const started = Date.now();
    const approval = this.approval(clinician.name);
    return this.publishing(async (tx) => {
      const files = approvedFiles(await this.liveContent(tx.live), tx.live.tree, items, approval);
      if (files.length === 0) return { status: 'unchanged' };
      const candidate = await this.candidate(tx.live, files);
      if (candidate.status !== 'ready') return candidate;
      try {
        return await this.install(tx, candidate.staged, started, {
          by: clinician.id,
          note: `approved by ${approval.name}`,
          approvedBy: approval.name,
          approvedAt: this.now().toISOString(),
        });
      } finally {
        await candidate.staged.dispose();
      }
    });
  }

  async history() {
    const { store } = this.options;
    const current = (await store.current()) ?? 1;
    return (await store.history()).map((r) => ({ ...r, current: r.version === current }));
  }

  async rollback(n: number, by: string): Promise<PublishOutcome> {
    const started = Date.now();
    const { store } = this.options;
    if (!(await store.history()).some((r) => r.version === n)) return { status: 'gone' };
    return this.publishing(async (tx) => {
      if (tx.live.version === n) return { status: 'unchanged' };
      const staged = await store.stage(await store.readVersion(n));
      try {
        if (staged.errors.length > 0) return { status: 'invalid', errors: staged.errors };
        if (isUnchanged(diffTrees(tx.live.tree, staged.tree))) return { status: 'unchanged' };
        return await this.install(tx, staged, started, { by, note: `rollback to ${n}`, rollbackOf: n });
      } finally {
        await staged.dispose();
      }
    });
  }

  async tryOut(id: string): Promise<string | undefined> {
    const { live } = this.options;
    const proposal = await this.proposals.get(id);
    if (!live || (proposal?.status !== 'draft' && proposal?.status !== 'pending')) return undefined;
    let found = this.contents.get(id);
    if (!found) {
      const candidate = await this.candidate(await this.options.store.live(), proposal.files, {
        sync: false,
      });
      if (candidate.status !== 'ready') return undefined;
      await candidate.staged.dispose();
      found = { content: candidate.staged.content, contentId: candidate.staged.contentId };
      this.remember(id, found);
    }
    const version = live.addCandidate(found.content, found.contentId);
    this.tried.set(id, version.id);
    return version.id;
  }

  /**
   * The upload's files placed on a live version (and the live questionnaire versions it supersedes archived),
   * staged and checked: invalid, unchanged, or ready with its preview. A questionnaire whose logic changes must
   * carry a higher version.
   */
  private async candidate(
    state: LiveState,
    files: { path: string; text: string }[],
    options: { sync?: boolean } = {},
  ): Promise<Candidate> {
    const live = await this.liveContent(state);
    const next = new Map(state.tree);
    for (const file of files) next.set(file.path, Buffer.from(file.text, 'utf8'));
    for (const [path, bytes] of archiveAdditions(state.tree, live, files, this.today()))
      next.set(path, bytes);
    const changes = diffTrees(state.tree, next);
    if (isUnchanged(changes)) return { status: 'unchanged' };
    const staged = await this.options.store.stage(next, options);
    if (staged.errors.length > 0) {
      await staged.dispose();
      return { status: 'invalid', errors: staged.errors };
    }
    const preview = this.options.preview
      ? await this.options.preview(state.dir, staged.dir, changes).catch(async (error: unknown) => {
          await staged.dispose();
          throw error;
        })
      : buildPreview(live, staged.content, changes);
    const errors = versionNotRaised(live, staged.content, preview, files);
    if (errors.length > 0) {
      await staged.dispose();
      return { status: 'invalid', errors };
    }
    const needsApproval = this.options.approval === 'all' || preview.clinical.length > 0;
    return { status: 'ready', staged, preview, needsApproval };
  }

  /**
   * Re-checks a proposal's files on the content live now, then holds it (`hold`: saved as pending) or publishes it
   * as `publish` says, and records the outcome on the proposal.
   */
  private async decide(
    tx: Transaction,
    proposal: Proposal,
    files: { path: string; text: string }[],
    started: number,
    plan: (
      candidate: Extract<Candidate, { status: 'ready' }>,
    ) => { hold: Proposal } | { proposal: Proposal; meta: RecordMeta; decidedBy: string },
  ): Promise<PublishOutcome> {
    const candidate = await this.candidate(tx.live, files);
    if (candidate.status === 'unchanged') {
      // What it would change is live already: nothing is left to decide.
      await this.proposals.put({ ...proposal, status: 'discarded', decidedAt: this.now().toISOString() });
      this.forget(proposal.id);
      return candidate;
    }
    if (candidate.status === 'invalid') return candidate;
    try {
      const decision = plan(candidate);
      if ('hold' in decision) {
        await this.proposals.put(decision.hold);
        return { status: 'pending', proposal: decision.hold };
      }
      const outcome = await this.install(tx, candidate.staged, started, decision.meta);
      if (outcome.status === 'published') {
        await this.proposals.put({
          ...decision.proposal,
          status: 'published',
          decidedBy: decision.decidedBy,
          decidedAt: this.now().toISOString(),
          publishedVersion: outcome.record.version,
        });
        this.forget(proposal.id);
      }
      return outcome;
    } finally {
      await candidate.staged.dispose();
    }
  }

  /** Installs a staged version and makes it serve here at once. */
  private async install(
    tx: Transaction,
    staged: Staged,
    started: number,
    meta: RecordMeta,
  ): Promise<PublishOutcome> {
    const record = await tx.install(staged, meta);
    this.liveCache = { version: record.version, content: staged.content };
    let embedded = 0;
    const { live, watcher, logger } = this.options;
    if (live) {
      try {
        ({ embedded } = await live.swap(staged.content, staged.contentId));
        watcher?.served(record.version);
      } catch {
        // Published all the same (other processes load it); LiveContent logged why, and the watcher tries again.
      }
    }
    const ms = Date.now() - started;
    logger?.info({ version: record.version, embedded, ms }, 'content version published');
    return { status: 'published', record, embedded, ms };
  }

  /** The content of a live version: the live content's when it serves that version, else loaded once. */
  private async liveContent(state: LiveState): Promise<ContentSet> {
    if (this.liveCache?.version === state.version) return this.liveCache.content;
    const { live, watcher } = this.options;
    const content =
      live && (watcher?.version ?? 1) === state.version ? live.current().content : await this.loadLive(state);
    this.liveCache = { version: state.version, content };
    return content;
  }

  private async loadLive(state: LiveState): Promise<ContentSet> {
    const loaded = await this.options.store.load(state.dir);
    // The live version was checked when it was published; an error here means the folder was edited by hand.
    if (loaded.errors.length > 0)
      this.options.logger?.warn(
        { version: state.version, errors: loaded.errors.length },
        'live content has errors',
      );
    return loaded.content;
  }

  /** Runs a publish under the store's lock, telling the watcher to wait meanwhile. */
  private async publishing(work: (tx: Transaction) => Promise<PublishOutcome>): Promise<PublishOutcome> {
    this.busyCount++;
    try {
      return await this.options.store.transaction(work);
    } finally {
      this.busyCount--;
    }
  }

  private approval(name: string): Approval {
    return { name: name.trim().slice(0, 120), date: this.today() };
  }

  private today(): string {
    // en-CA writes dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: this.options.timeZone ?? 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(this.now());
  }

  private remember(id: string, loaded: Pick<LoadedContent, 'content' | 'contentId'>): void {
    this.contents.delete(id);
    this.contents.set(id, { content: loaded.content, contentId: loaded.contentId });
    for (const old of [...this.contents.keys()].slice(0, -KEEP_CANDIDATES)) this.contents.delete(old);
  }

  /** A decided, discarded or pruned proposal: its content is no longer kept to try. */
  private forget(id: string): void {
    this.contents.delete(id);
    const version = this.tried.get(id);
    this.tried.delete(id);
    if (version) this.options.live?.dropCandidate(version);
  }

  private async prune(): Promise<void> {
    for (const id of await this.proposals.prune()) this.forget(id);
  }
}

function refused(error: UploadRefused): CheckResult {
  return { status: 'refused', code: error.code, params: error.params, message: error.message };
}

/**
 * A questionnaire whose logic changed must carry a higher version, so a screening stored under the live version
 * keeps its meaning (the publisher archives that version).
 */
function versionNotRaised(
  live: ContentSet,
  next: ContentSet,
  preview: Preview,
  files: { path: string; text: string }[],
): ContentError[] {
  const errors: ContentError[] = [];
  for (const q of next.questionnaires) {
    const was = live.questionnaires.find((l) => l.id === q.id);
    if (!was || q.version > was.version) continue;
    const changed = preview.logic.some(
      (l) => l.questionnaire === q.id && l.archived === undefined && l.place !== 'version',
    );
    if (!changed) continue;
    const file = files.find(
      (f) => f.path === `questionnaires/${q.id}.yaml` || f.path === `questionnaires/${q.id}.yml`,
    );
    errors.push({
      file: file?.path ?? `questionnaires/${q.id}.yaml`,
      path: 'version',
      ...(file ? { line: lineOf(file.text, 'version') } : {}),
      message: `the logic of questionnaire "${q.id}" changed but its version is still ${was.version}: raise it to ${was.version + 1} (the live version is archived, so screenings stored under it keep their meaning)`,
      code: 'questionnaire.versionNotRaised',
      params: { id: q.id, version: was.version, next: was.version + 1 },
    });
  }
  return errors;
}

function lineOf(text: string, key: string): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const node = doc.get(key, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
}
