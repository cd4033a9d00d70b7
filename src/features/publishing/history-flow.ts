import { z } from 'zod';
import { formatDate } from '../../accounts/display.js';
import type { VersionRecord } from '../../content/versions/version-store.js';
import { defineFlow, type StepContext } from '../../core/define-flow.js';
import type { FlowInput } from '../../core/flow.js';
import { askClinicians } from './notify.js';
import { outcomeText } from './outcome-text.js';
import { whoName } from './people.js';

/** Versions listed in chat, newest first; `content history` on the command line lists them all. */
const SHOWN = 8;
/** Files named in a version's details; the rest are counted. */
const FILES_SHOWN = 10;

const stateSchema = z.object({ version: z.number().int().positive().nullable() });
type State = z.infer<typeof stateSchema>;
type Step = 'list' | 'version';
type Ctx = StepContext<State, Step>;
type Entry = VersionRecord & { current: boolean };

/** Choice ids (local to the flow; `ctx.ask` adds the "hist." namespace). */
const VERSION = 'v:';
const ROLLBACK = 'rollback';
const BACK = 'back';

/**
 * Content versions for trainers: who published what, when and why, the live one marked; a version's details and a
 * rollback to it (two taps from the list). A rollback is a new version holding the old content.
 */
export const historyFlow = defineFlow<State, Step>({
  id: 'content-history',
  ns: 'hist',
  roles: ['trainer', 'admin'],
  state: stateSchema,

  start(ctx) {
    ctx.state = { version: null };
    return showList(ctx);
  },

  steps: {
    list: {
      show: showList,
      async onInput(ctx, input) {
        const id = choiceId(input) ?? '';
        const version = Number(id.slice(VERSION.length));
        if (id.startsWith(VERSION) && Number.isInteger(version) && version > 0) {
          ctx.state = { version };
          return showVersion(ctx);
        }
        return showList(ctx);
      },
    },
    version: {
      show: showVersion,
      async onInput(ctx, input) {
        const id = choiceId(input);
        if (id === ROLLBACK) return rollback(ctx);
        if (id === BACK) return showList(ctx);
        return showVersion(ctx);
      },
    },
  },
});

const choiceId = (input: FlowInput): string | undefined => (input.kind === 'choice' ? input.id : undefined);

const date = (ctx: Ctx, at: string): string => formatDate(at, ctx.lang, ctx.services.config.TZ);

async function showList(ctx: Ctx): Promise<void> {
  const records = (await ctx.services.publishing.history())
    .sort((a, b) => b.version - a.version)
    .slice(0, SHOWN);
  if (records.length === 0) return ctx.showMenu(ctx.t('publishing:history.none'));
  ctx.state = { version: null };
  ctx.goto('list');
  const choices = [];
  const lines = [];
  for (const r of records) {
    const parts = [
      ctx.t('publishing:history.version', { version: r.version }),
      date(ctx, r.at),
      await whoName(ctx, r.by),
      r.current ? ctx.t('publishing:history.live') : null,
    ];
    choices.push({ id: `${VERSION}${r.version}`, label: parts.filter(Boolean).join(' · ') });
    // What the buttons have no room for: the change counts, the note, the approving clinician.
    const { added, changed, removed } = r.changes;
    const line = [
      ctx.t('publishing:history.line', {
        version: r.version,
        added: added.length,
        changed: changed.length,
        removed: removed.length,
      }),
      r.note ? `"${r.note}"` : null,
      r.approvedBy ? ctx.t('publishing:history.approvedBy', { name: r.approvedBy }) : null,
    ];
    lines.push(line.filter(Boolean).join(' · '));
  }
  ctx.ask(`${ctx.t('publishing:history.title')}\n\n${lines.join('\n')}`, choices);
}

async function entry(ctx: Ctx): Promise<Entry | undefined> {
  const wanted = ctx.state.version;
  return (await ctx.services.publishing.history()).find((r) => r.version === wanted);
}

async function showVersion(ctx: Ctx): Promise<void> {
  const record = await entry(ctx);
  if (!record) return showList(ctx);
  ctx.goto('version');
  const choices = [];
  if (!record.current) {
    choices.push({
      id: ROLLBACK,
      label: ctx.t('publishing:history.rollback', { version: record.version }),
    });
  }
  choices.push({ id: BACK, label: ctx.t('publishing:common.back') });
  ctx.ask(await details(ctx, record), choices);
}

async function details(ctx: Ctx, r: Entry): Promise<string> {
  const { t } = ctx;
  const { added, changed, removed } = r.changes;
  const lines = [
    t(r.current ? 'publishing:history.headerLive' : 'publishing:history.header', { version: r.version }),
    t('publishing:history.when', { date: date(ctx, r.at), who: await whoName(ctx, r.by) }),
  ];
  if (r.note) lines.push(t('publishing:history.note', { note: r.note }));
  if (r.approvedBy) lines.push(t('publishing:history.approvedBy', { name: r.approvedBy }));
  if (r.rollbackOf) lines.push(t('publishing:history.rollbackOf', { version: r.rollbackOf }));
  lines.push(
    t('publishing:history.changes', {
      added: added.length,
      changed: changed.length,
      removed: removed.length,
    }),
  );
  const files = [
    ...added.map((f) => `+ ${f}`),
    ...changed.map((f) => `~ ${f}`),
    ...removed.map((f) => `- ${f}`),
  ];
  lines.push(...files.slice(0, FILES_SHOWN));
  if (files.length > FILES_SHOWN)
    lines.push(t('publishing:common.more', { count: files.length - FILES_SHOWN }));
  return lines.join('\n');
}

async function rollback(ctx: Ctx): Promise<void> {
  const record = await entry(ctx);
  const user = ctx.user;
  if (!record || !user) return showList(ctx);
  const outcome = await ctx.services.publishing.rollback(record.version, user.id);
  ctx.state = { version: null };
  if (outcome.status === 'published') {
    return ctx.showMenu(
      ctx.t('publishing:history.rolledBack', {
        version: record.version,
        current: outcome.record.version,
        embedded: outcome.embedded,
      }),
    );
  }
  const text = outcomeText(ctx.t, outcome);
  if (outcome.status === 'pending') {
    // A rollback that undoes clinical logic waits for a clinician like any other such change.
    const told = await askClinicians(ctx, outcome.proposal, user.name);
    return ctx.showMenu(told > 0 ? text : `${text}\n\n${ctx.t('publishing:publish.noClinician')}`);
  }
  return ctx.showMenu(text);
}
