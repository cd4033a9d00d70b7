import type { Lang } from '../accounts/types.js';
import type { ClientRecordsPort, RecordsReader } from '../clients/records.js';
import type { ContentSet } from '../content/content-set.js';
import type { ContentVersion } from '../content/live-content.js';
import type { DangerMatch } from '../search/danger/detector.js';
import type { Passage } from '../search/passages.js';
import type { SearchOptions, SearchResult } from '../search/search-engine.js';
import type { SearchStatus } from '../search/search-service.js';
import type { StoreView } from '../store/port.js';

/**
 * The ports the core and the features see of the bigger services. The composition root passes the real ones
 * (LiveContent, SearchService, ClientRecords); tests may pass fakes. Types only: the core imports no service.
 */

/** The live content: the current version, and an earlier one by id while it is in memory. */
export interface ContentPort {
  current(): ContentVersion;
  get(id: string): ContentVersion | undefined;
  /** Makes new content live at once (search index included), or rejects and keeps the current version. */
  replace(content: ContentSet): Promise<ContentVersion>;
}

/** Search over the live content: answers at once (keywords) and better once the vectors are ready. */
export interface SearchPort {
  search(question: string, lang: Lang, options?: SearchOptions): Promise<SearchResult>;
  /** Whether a question describes danger; never waits for the model. */
  isUrgent(question: string): boolean;
  /** The danger sign a question describes (what to do, which questionnaire), by its words; never waits. */
  danger(question: string): DangerMatch | null;
  passage(id: string, lang: Lang): Passage | undefined;
  status(): SearchStatus;
  /** Loads the model and embeds the passages in the background (start-up). */
  warmUp(): Promise<void>;
  /** Resolves once semantic ranking has joined (one-shot commands wait for it). */
  ready(): Promise<void>;
}

/** Clients' screenings and referrals: the committed index, and a view through a unit of work. */
export interface RecordsPort {
  readonly index: RecordsReader;
  /** `unit` is the message's unit of work (or, for commands outside a conversation, the store itself). */
  view(unit: StoreView): ClientRecordsPort;
}
