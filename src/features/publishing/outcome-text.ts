import { listContentErrors } from '../../content/error-text.js';
import type { PublishOutcome } from '../../content/publishing/types.js';
import { assertNever } from '../../core/assert-never.js';
import type { Translator } from '../../i18n/i18n.js';

/**
 * What a publishing call did, in one message that says only what is true: live (with the version and how many
 * passages were prepared for search), waiting for a clinician, refused with its errors, nothing to change, or
 * already decided by someone else.
 */
export function outcomeText(t: Translator, outcome: PublishOutcome): string {
  switch (outcome.status) {
    case 'published':
      return t('publishing:outcome.live', { version: outcome.record.version, embedded: outcome.embedded });
    case 'pending':
      return t('publishing:outcome.pending');
    case 'invalid':
      return `${t('publishing:outcome.invalid')}\n\n${listContentErrors(t, outcome.errors)}`;
    case 'unchanged':
      return t('publishing:outcome.unchanged');
    case 'gone':
      return t('publishing:outcome.gone');
    default:
      return assertNever(outcome);
  }
}
