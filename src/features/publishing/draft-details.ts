import type { ContentSet } from '../../content/content-set.js';
import type { ItemKind } from '../../content/publishing/types.js';
import type { Source } from '../../content/schemas.js';

/** A fact check recorded in an item's review record (a second reader against the sources...). */
export interface ReviewCheck {
  by: string;
  date: string;
  outcome: string;
}

/** What a clinician reads before approving an item: where it comes from and what was checked so far. */
export interface DraftDetails {
  sources: readonly Source[];
  checks: readonly ReviewCheck[];
}

interface Reviewed {
  sources?: readonly Source[];
  review: { checks: readonly ReviewCheck[] };
}

/** The sources and checks of a live item, or undefined when it is gone (or a kind without a review record). */
export function draftDetails(
  content: ContentSet,
  item: { kind: ItemKind; id: string; lang: string | null },
): DraftDetails | undefined {
  const found = reviewed(content, item);
  return found ? { sources: found.sources ?? [], checks: found.review.checks } : undefined;
}

function reviewed(
  content: ContentSet,
  { kind, id, lang }: { kind: ItemKind; id: string; lang: string | null },
): Reviewed | undefined {
  switch (kind) {
    case 'article':
      return content.articles.find((a) => a.id === id && a.lang === lang);
    case 'module':
      return content.modules.find((m) => m.id === id && m.lang === lang);
    case 'glossary':
      return content.glossaries.find((g) => g.topic === id);
    case 'questionnaire':
      return content.questionnaires.find((q) => q.id === id);
    case 'questionnaire-text':
      return content.questionnaireTexts.find((q) => q.id === id && q.lang === lang);
    case 'danger-signs':
      return content.dangerSigns[0];
    case 'urgent-phrases':
      return content.urgentPhrases[0];
    case 'country':
      return undefined;
  }
}
