import { LANGUAGE_NAMES } from '../../accounts/display.js';
import type { FlowContext } from '../../core/flow.js';
import type { Passage } from '../../search/passages.js';

/** A chat answer is read on a small phone: the passage (<= 800 characters), its title and where it comes from. */
export const MAX_ANSWER_CHARS = 800;

export function formatPassage(ctx: FlowContext, passage: Passage): string {
  const body =
    passage.text.length > MAX_ANSWER_CHARS ? `${passage.text.slice(0, MAX_ANSWER_CHARS - 1)}…` : passage.text;
  const lines = [
    `📖 ${passage.itemTitle}: ${passage.heading}`,
    '',
    body,
    '',
    ctx.t('search.source', { source: passage.source }),
  ];
  if (passage.lang !== ctx.lang)
    lines.push(ctx.t('search.inEnglish', { language: LANGUAGE_NAMES[ctx.lang] }));
  return lines.join('\n');
}
