import type { ClientRecords } from '../clients/records.js';
import type { Config } from '../config/config.js';
import type { Catalog } from '../content/catalog.js';
import type { Translations } from '../i18n/i18n.js';
import type { Logger, Pseudonymiser } from '../logging/logger.js';
import type { SearchEngine } from '../search/search-engine.js';
import type { Store } from '../store/port.js';
import type { Countries } from '../teams/countries.js';
import type { Clock, Ids } from './clock.js';

/** The ports a feature may use. Built once in the composition root; tests build their own with fakes. */
export interface Services {
  store: Store;
  clock: Clock;
  ids: Ids;
  i18n: Translations;
  logger: Logger;
  pseudo: Pseudonymiser;
  countries: Countries;
  catalog: Catalog;
  /** The search index, built on first use (loading the model and embedding new passages). */
  search(): Promise<SearchEngine>;
  /** Screenings and referrals of clients, indexed from the journals. */
  records(): ClientRecords;
  config: Pick<Config, 'INVITE_TTL_DAYS' | 'TZ' | 'REMINDER_TIME'>;
}
