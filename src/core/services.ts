import type { Config } from '../config/config.js';
import type { Catalog } from '../content/catalog.js';
import type { PublishingPort } from '../content/publishing/types.js';
import type { Translations } from '../i18n/i18n.js';
import type { Logger, Pseudonymiser } from '../logging/logger.js';
import type { Store } from '../store/port.js';
import type { ChartRenderer } from '../summary/chart/render-chart.js';
import type { Countries } from '../teams/countries.js';
import type { Clock, Ids } from './clock.js';
import type { ContentPort, RecordsPort, SearchPort } from './ports.js';

/** The ports a feature may use. Built once in the composition root; tests build their own with fakes. */
export interface Services {
  store: Store;
  clock: Clock;
  ids: Ids;
  i18n: Translations;
  logger: Logger;
  pseudo: Pseudonymiser;
  /** The live content: the current version, older ones by id, replaceable while the bot runs. */
  content: ContentPort;
  /** The current version's countries (`content.current().countries`). */
  readonly countries: Countries;
  /** The current version's catalog (`content.current().catalog`). */
  readonly catalog: Catalog;
  /** Search, always available: keywords and glossary at once, semantic ranking once the vectors are ready. */
  search: SearchPort;
  /** Screenings and referrals of clients, indexed from the journals (committed records only). */
  records: RecordsPort;
  /** Content publishing through the chat: checks, proposals, clinicians' approvals, history and rollback. */
  publishing: PublishingPort;
  /**
   * The weekly summary's outputs: the chart renderer (a worker thread, closed with the app) and the owner-only
   * folder (DATA_DIR/exports) its PNG and CSV files are written to before a channel sends them.
   */
  summary: { charts: ChartRenderer; exportsDir: string };
  config: Pick<Config, 'INVITE_TTL_DAYS' | 'TZ' | 'REMINDER_TIME' | 'SESSION_IDLE_HOURS'>;
}

/**
 * What a flow sees of the services: no direct store, so every write of a message goes through its unit of work
 * (`ctx.store`, `ctx.records`) and is committed with the reply.
 */
export type FlowServices = Omit<Services, 'store' | 'records'>;
