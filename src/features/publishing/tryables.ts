import type { Lang, Role } from '../../accounts/types.js';
import type { Proposal } from '../../content/publishing/types.js';
import { screenFlow } from '../screening/screen-flow.js';
import { trainingFlow } from '../training/training-flow.js';

/** Buttons a preview offers at most for trying items privately. */
const MAX_TRIES = 3;

/** A module or questionnaire an upload adds or changes, which the trainer may run before it goes live. */
export interface Tryable {
  kind: 'module' | 'questionnaire';
  id: string;
  title: string;
}

/**
 * What a trainer can try from a proposal: its new or changed modules (in the training flow) and questionnaires (a
 * trial screening), each once, and only those whose flow her role may run.
 */
export function tryables(proposal: Proposal, role: Role, lang: Lang): Tryable[] {
  const may = (roles: readonly Role[] | null) => roles === null || roles.includes(role);
  // Her language's title first, then the English (or language-neutral) one, then any.
  const rank = (itemLang: string | null) =>
    itemLang === lang ? 2 : itemLang === null || itemLang === 'en' ? 1 : 0;
  const found = new Map<string, Tryable & { rank: number }>();
  for (const item of proposal.preview.items) {
    if (item.change === 'removed') continue;
    const kind =
      item.kind === 'module'
        ? 'module'
        : item.kind === 'questionnaire' || item.kind === 'questionnaire-text'
          ? 'questionnaire'
          : null;
    if (!kind || !may(kind === 'module' ? trainingFlow.roles : screenFlow.roles)) continue;
    const key = `${kind}:${item.id}`;
    const seen = found.get(key);
    if (!seen || rank(item.lang) > seen.rank) {
      found.set(key, { kind, id: item.id, title: item.title, rank: rank(item.lang) });
    }
  }
  return [...found.values()].slice(0, MAX_TRIES).map(({ kind, id, title }) => ({ kind, id, title }));
}
