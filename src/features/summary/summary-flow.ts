import { z } from 'zod';
import { ROLES } from '../../accounts/types.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import { safeError } from '../../core/safe-error.js';
import { summarize } from '../../summary/gather.js';
import type { TeamSummary } from '../../summary/types.js';
import { parseWeek, WeekError, weekOf } from '../../summary/week.js';
import { overviewCsv, overviewText, summaryMessages } from './summary-messages.js';

/** Teams offered as buttons to an admin; more are reached by typing a name. */
const TEAM_CHOICES = 9;

/** The week asked for: `this`, `last` or an ISO week id (read in each team's timezone). */
const stateSchema = z.strictObject({
  week: z.union([z.literal('this'), z.literal('last'), z.string().regex(/^\d{4}-W\d{2}$/)]).optional(),
});
type State = z.infer<typeof stateSchema>;
type Step = 'week' | 'typed' | 'teams';
type Ctx = StepContext<State, Step>;

const mayAsk = (ctx: Ctx): boolean => ctx.user?.role === 'supervisor' || ctx.user?.role === 'admin';

/**
 * `/summary` and "Weekly summary": a supervisor sees her team's week, an admin every team's (one line each, then
 * a team's per-mentor view on request). The command is registered for every role so that mentors and trainers
 * are told politely, in their language, that it is not for them. Choice ids: `w:this`, `w:last`, `w:pick`,
 * `t:<team id>`, `done`.
 */
export const summaryFlow = defineFlow<State, Step>({
  id: 'summary',
  ns: 'sm',
  roles: ROLES,
  state: stateSchema,

  async start(ctx) {
    ctx.state = {};
    if (!mayAsk(ctx)) return ctx.showMenu(ctx.t('summary:notAllowed'));
    if (ctx.user?.role === 'supervisor' && !ctx.user.teamId) return ctx.showMenu(ctx.t('summary:noTeam'));
    ctx.goto('week');
    return askWeek(ctx);
  },

  steps: {
    week: {
      show: askWeek,
      async onInput(ctx, input) {
        const id = input.kind === 'choice' ? input.id : '';
        if (id === 'w:this' || id === 'w:last') return show(ctx, id.slice(2));
        if (id === 'w:pick') {
          ctx.goto('typed');
          return askTyped(ctx);
        }
        return askWeek(ctx);
      },
    },
    typed: {
      show: askTyped,
      async onInput(ctx, input) {
        const week = input.kind === 'text' ? typedWeek(input.text) : null;
        if (!week) {
          ctx.say(ctx.t('summary:badWeek'));
          return askTyped(ctx);
        }
        return show(ctx, week);
      },
    },
    teams: {
      show: askTeam,
      async onInput(ctx, input) {
        if (!mayAsk(ctx) || ctx.user?.role !== 'admin') return ctx.showMenu();
        if (input.kind === 'choice' && input.id === 'done') return ctx.showMenu();
        const team =
          input.kind === 'choice' && input.id.startsWith('t:')
            ? await ctx.store.teams.get(input.id.slice(2))
            : input.kind === 'text'
              ? await ctx.store.teams.byName(input.text.trim())
              : undefined;
        if (!team) {
          if (input.kind === 'text') ctx.say(ctx.t('summary:noSuchTeam'));
          return askTeam(ctx);
        }
        const [summary] = await read(ctx, [team.id]);
        if (summary) await sendTeam(ctx, summary);
        return askTeam(ctx);
      },
    },
  },
});

/** A typed ISO week (`2026-W48`) or a date (`2026-11-24`, its week): the week id, or null. */
export function typedWeek(text: string): string | null {
  const value = text.trim().toUpperCase();
  if (/^\d{4}-W\d{2}$/.test(value)) {
    try {
      return parseWeek(value, new Date(), 'UTC').id;
    } catch {
      return null;
    }
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!date) return null;
  const noon = new Date(`${value}T12:00:00Z`);
  // A calendar date's ISO week is the same in every timezone: read it at noon UTC.
  if (Number.isNaN(noon.getTime()) || noon.toISOString().slice(0, 10) !== value) return null;
  return weekOf(noon, 'UTC').id;
}

function askWeek(ctx: Ctx): void {
  ctx.ask(ctx.t('summary:askWeek'), [
    { id: 'w:this', label: ctx.t('summary:thisWeek') },
    { id: 'w:last', label: ctx.t('summary:lastWeek') },
    { id: 'w:pick', label: ctx.t('summary:chooseWeek') },
  ]);
}

function askTyped(ctx: Ctx): void {
  ctx.say(ctx.t('summary:typeWeek'));
}

async function askTeam(ctx: Ctx): Promise<void> {
  const teams = (await ctx.store.teams.list()).sort((a, b) => a.name.localeCompare(b.name));
  const choices = teams.slice(0, TEAM_CHOICES).map((team) => ({ id: `t:${team.id}`, label: team.name }));
  choices.push({ id: 'done', label: ctx.t('summary:done') });
  const more = teams.length > TEAM_CHOICES ? `\n${ctx.t('summary:typeTeam')}` : '';
  ctx.ask(`${ctx.t('summary:askTeam')}${more}`, choices, { allowText: true });
}

/** The summaries she may see: her own team's for a supervisor; the teams asked for (or all) for an admin. */
async function read(ctx: Ctx, teamIds?: string[]): Promise<TeamSummary[]> {
  const user = ctx.user;
  if (!user || !mayAsk(ctx)) return [];
  const own = user.role === 'supervisor' ? (user.teamId ? [user.teamId] : []) : teamIds;
  return summarize(ctx.store, { teamIds: own, week: ctx.state.week ?? 'this', now: ctx.now });
}

async function show(ctx: Ctx, week: string): Promise<void> {
  ctx.state = { week };
  let summaries: TeamSummary[];
  try {
    summaries = await read(ctx);
  } catch (error) {
    if (!(error instanceof WeekError)) throw error;
    ctx.say(ctx.t('summary:badWeek'));
    ctx.goto('typed');
    return askTyped(ctx);
  }
  if (ctx.user?.role === 'admin') {
    if (summaries.length === 0) return ctx.showMenu(ctx.t('summary:noTeams'));
    ctx.say(overviewText(summaries, ctx.t));
    ctx.send(await overviewCsv(summaries, ctx.t, ctx.services.summary, ctx.now));
    ctx.goto('teams');
    return askTeam(ctx);
  }
  const [summary] = summaries;
  if (!summary) return ctx.showMenu(ctx.t('summary:noTeam'));
  await sendTeam(ctx, summary);
  return ctx.showMenu();
}

async function sendTeam(ctx: Ctx, summary: TeamSummary): Promise<void> {
  const { summary: outputs, logger } = ctx.services;
  const messages = await summaryMessages(summary, ctx.t, outputs, ctx.now, (error) =>
    logger.warn({ err: safeError(error) }, 'summary chart failed'),
  );
  for (const message of messages) ctx.send(message);
}
