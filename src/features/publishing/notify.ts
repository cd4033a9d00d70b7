import type { ItemChange, Proposal } from '../../content/publishing/types.js';
import type { FlowContext } from '../../core/flow.js';
import type { Translator } from '../../i18n/i18n.js';
import { activeClinicians, translatorFor } from './people.js';

/** Items named in a one-line summary; the rest are counted. */
const NAMED = 3;

type NotifyContext = Pick<FlowContext, 'store' | 'services' | 'push' | 'user'>;

/** "TB signs, PHQ-9 and 2 more": what a change touches, in a line for a push. */
export function itemsSummary(t: Translator, items: readonly ItemChange[]): string {
  const titles = [...new Set(items.map((i) => i.title))];
  const named = titles.slice(0, NAMED).join(', ');
  const rest = titles.length - NAMED;
  return rest > 0 ? `${named} ${t('publishing:common.more', { count: rest })}` : named;
}

/**
 * Every active clinician but the one who proposed it hears that a change waits for her, with a button that opens it (`@rev:<id>` works even
 * after she has moved on). Returns how many were told.
 */
export async function askClinicians(ctx: NotifyContext, proposal: Proposal, from: string): Promise<number> {
  // Four eyes: a clinician who proposed a change does not approve it herself.
  const clinicians = (await activeClinicians(ctx.store)).filter((c) => c.id !== proposal.by);
  for (const clinician of clinicians) {
    const t = translatorFor(ctx, clinician.lang);
    ctx.push(clinician.id, {
      type: 'choices',
      text: t('publishing:review.waitsPush', { name: from, items: itemsSummary(t, proposal.preview.items) }),
      choices: [{ id: `@rev:${proposal.id}`, label: t('publishing:review.openPush') }],
      multiple: false,
    });
  }
  return clinicians.length;
}

export type Decision = { approved: true; version: number } | { approved: false; reason: string };

/** The trainer who proposed a change hears the decision in her language (the command line hears nothing). */
export async function tellProposer(
  ctx: NotifyContext,
  proposal: Proposal,
  decision: Decision,
): Promise<void> {
  const trainer = await ctx.store.users.get(proposal.by);
  // A clinician deciding on her own change reads the outcome on her screen already.
  if (!trainer?.active || trainer.id === ctx.user?.id) return;
  const t = translatorFor(ctx, trainer.lang);
  const items = itemsSummary(t, proposal.preview.items);
  const name = ctx.user?.name ?? '';
  const text = decision.approved
    ? t('publishing:review.approvedPush', { name, items, version: decision.version })
    : t('publishing:review.rejectedPush', { name, items, reason: decision.reason });
  ctx.push(trainer.id, { type: 'text', text });
}
