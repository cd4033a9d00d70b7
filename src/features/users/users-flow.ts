import { z } from 'zod';
import { roleLabel } from '../../accounts/display.js';
import { mayManageUsers } from '../../accounts/permissions.js';
import { setClinician, setUserActive } from '../../accounts/users.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';

const PAGE = 8;

const stateSchema = z.object({
  page: z.number().int().min(0),
  /** The account on screen, in the `user` step. */
  target: z.string().nullable(),
});
type State = z.infer<typeof stateSchema>;
type Step = 'list' | 'user';
type Ctx = StepContext<State, Step>;

/**
 * Admins see everyone and can deactivate (or reactivate) an account; a deactivated person gets nothing. They also
 * give or take back the clinician permission (approving content). Choice ids: `p:<user id>`, `more`, `back`,
 * `off`, `on`, `cl+`, `cl-`.
 */
export const usersFlow = defineFlow<State, Step>({
  id: 'users',
  ns: 'us',
  roles: ['admin'],
  state: stateSchema,

  start(ctx) {
    ctx.state = { page: 0, target: null };
    ctx.goto('list');
    return showList(ctx);
  },

  steps: {
    list: {
      show: showList,
      async onInput(ctx, input) {
        if (input.kind !== 'choice') return showList(ctx);
        if (input.id === 'more') {
          ctx.state = { ...ctx.state, page: ctx.state.page + 1 };
          return showList(ctx);
        }
        if (input.id.startsWith('p:')) {
          ctx.state = { ...ctx.state, target: input.id.slice(2) };
          ctx.goto('user');
          return showUser(ctx);
        }
        return showList(ctx);
      },
    },
    user: {
      show: showUser,
      async onInput(ctx, input) {
        const id = input.kind === 'choice' ? input.id : '';
        if ((id === 'off' || id === 'on') && ctx.user && ctx.state.target) {
          const result = await setUserActive(ctx.store, ctx.user, ctx.state.target, id === 'on', ctx.now);
          if (result.ok) {
            const key = result.user.active ? 'users.reactivated' : 'users.deactivated';
            ctx.say(ctx.t(key, { name: result.user.name }));
          }
        } else if ((id === 'cl+' || id === 'cl-') && ctx.user && ctx.state.target) {
          const result = await setClinician(ctx.store, ctx.user, ctx.state.target, id === 'cl+', ctx.now);
          if (result.ok) {
            const key = result.user.clinician ? 'people:clinicianGiven' : 'people:clinicianTaken';
            ctx.say(ctx.t(key, { name: result.user.name }));
            // She hears it in her own language, so the new menu entry (or its absence) is no surprise.
            if (result.user.id !== ctx.user.id) {
              const theirs = ctx.services.i18n.t(result.user.lang);
              ctx.push(result.user.id, {
                type: 'text',
                text: theirs(result.user.clinician ? 'people:youMayApprove' : 'people:youNoLongerApprove'),
              });
            }
          }
        } else if (id !== 'back') {
          return showUser(ctx);
        }
        return backToList(ctx);
      },
    },
  },
});

function backToList(ctx: Ctx): Promise<void> {
  ctx.state = { ...ctx.state, target: null };
  ctx.goto('list');
  return showList(ctx);
}

async function showList(ctx: Ctx): Promise<void> {
  const teams = new Map((await ctx.store.teams.list()).map((t) => [t.id, t.name]));
  const users = (await ctx.store.users.list()).sort((a, b) => a.name.localeCompare(b.name));
  // Past the last page, back to the first.
  const page = ctx.state.page * PAGE < users.length ? ctx.state.page : 0;
  if (page !== ctx.state.page) ctx.state = { ...ctx.state, page };
  const start = page * PAGE;
  const shown = users.slice(start, start + PAGE).map((u) => ({
    id: `p:${u.id}`,
    label: [
      u.name,
      roleLabel(ctx.t, u.role),
      u.clinician ? ctx.t('people:clinicianMark') : null,
      u.teamId ? teams.get(u.teamId) : null,
      u.active ? null : ctx.t('users.inactive'),
    ]
      .filter(Boolean)
      .join(' · '),
  }));
  if (start + PAGE < users.length) shown.push({ id: 'more', label: ctx.t('users.more') });
  ctx.ask(ctx.t('users.title', { count: users.length }), shown);
}

async function showUser(ctx: Ctx): Promise<void> {
  const target = ctx.state.target ? await ctx.store.users.get(ctx.state.target) : undefined;
  if (!target) return backToList(ctx);
  const team = target.teamId ? await ctx.store.teams.get(target.teamId) : undefined;
  const details = ctx.t('users.details', {
    name: target.name,
    role: roleLabel(ctx.t, target.role),
    team: team?.name ?? '-',
    status: ctx.t(target.active ? 'users.active' : 'users.inactive'),
  });
  const clinician = target.clinician ? `\n${ctx.t('people:clinicianLine')}` : '';
  const choices = [{ id: 'back', label: ctx.t('users.back') }];
  if (target.id !== ctx.user?.id) {
    choices.unshift(
      target.active
        ? { id: 'off', label: ctx.t('users.deactivate') }
        : { id: 'on', label: ctx.t('users.reactivate') },
    );
  }
  // First, above deactivating. Her own account too: an admin who is a clinician may say so. Not for a deactivated
  // account: she could not use it.
  if (ctx.user && mayManageUsers(ctx.user) && target.active) {
    choices.unshift(
      target.clinician
        ? { id: 'cl-', label: ctx.t('people:stopApproving') }
        : { id: 'cl+', label: ctx.t('people:allowApproving') },
    );
  }
  ctx.ask(`${details}${clinician}`, choices);
}
