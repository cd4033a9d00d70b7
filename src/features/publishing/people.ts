import type { Lang, User } from '../../accounts/types.js';
import type { FlowContext } from '../../core/flow.js';
import type { Translator } from '../../i18n/i18n.js';
import type { StoreView } from '../../store/port.js';

/** Everyone active in a role (announcements go to mentors). */
export async function activeWithRole(store: StoreView, role: User['role']): Promise<User[]> {
  return (await store.users.list()).filter((u) => u.active && u.role === role);
}

/** Everyone active who may approve content: the people a pending change is pushed to. */
export async function activeClinicians(store: StoreView): Promise<User[]> {
  return (await store.users.list()).filter((u) => u.active && u.clinician === true);
}

/** Who published or proposed something, as a trainer reads it: a name, or the command line or the repository. */
export async function whoName(ctx: Pick<FlowContext, 'store' | 't'>, by: string): Promise<string> {
  if (by === 'cli') return ctx.t('publishing:who.cli');
  if (by === 'repository') return ctx.t('publishing:who.repository');
  return (await ctx.store.users.get(by))?.name ?? ctx.t('publishing:who.unknown');
}

/** The words of someone else, for a message pushed to her. */
export const translatorFor = (ctx: Pick<FlowContext, 'services'>, lang: Lang): Translator =>
  ctx.services.i18n.t(lang);

/** The clinician acting now, or null when she no longer holds the permission (it may be taken back mid-flow). */
export function actingClinician(ctx: Pick<FlowContext, 'user'>): { id: string; name: string } | null {
  const user = ctx.user;
  return user?.active && user.clinician === true ? { id: user.id, name: user.name } : null;
}
