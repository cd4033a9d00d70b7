import { z } from 'zod';
import { LANGUAGES } from '../accounts/types.js';
import { TOPICS } from './topics.js';

/** A lesson step is read on a small phone: at most ~600 characters (shared docs/content.md). */
export const MAX_STEP_CHARS = 600;
/** A search answer quotes one section: at most ~800 characters. */
export const MAX_SECTION_CHARS = 800;
export const CONTENT_SCHEMA_VERSION = 1;

const id = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase words joined by "-" (e.g. tb-signs)');
const localId = z.string().regex(/^[a-z0-9_-]+$/, 'must be lowercase letters, digits, "-" or "_"');
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `is too long (at most ${max} characters)`);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** The screening urgencies (the same list as URGENCIES in src/screening/schema.ts, which imports this file). */
export const SIGN_URGENCIES = ['none', 'routine', 'urgent', 'emergency'] as const;

/**
 * "One story everywhere": where a section or a step says how urgent a sign is, it names the sign, so `content
 * validate` can compare it with the questionnaire's rule. `sign` is an option id of one of the questionnaire's
 * questions (or the id of a yes/no question); `with` gives the other answers the statement assumes (e.g. `pregnant:
 * true`), or describes the situation on its own when there is no option for it (a glucose reading).
 */
export const signNoteSchema = z
  .strictObject({
    questionnaire: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a questionnaire id'),
    sign: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_]*$/, 'must be an option id of the questionnaire (snake_case)')
      .optional(),
    with: z.record(z.string(), z.unknown()).optional(),
    urgency: z.enum(SIGN_URGENCIES),
  })
  .refine((s) => s.sign !== undefined || s.with !== undefined, {
    message: 'name the sign (an option id of the questionnaire) or the answers it assumes (with)',
    params: { code: 'refine.signOrWith' },
  });
export type SignNote = z.infer<typeof signNoteSchema>;

export const sourceSchema = z.strictObject({
  title: text(300),
  url: z.url().optional(),
  publisher: text(120).optional(),
  year: z.number().int().min(1950).max(2100).optional(),
});

/**
 * Honest review record: `draft` until a named clinician of the programme approves. `checks` records fact checks
 * done so far (e.g. a second reader against the sources), which do not make an item approved.
 */
export const reviewSchema = z
  .strictObject({
    status: z.enum(['draft', 'approved']),
    by: text(120).nullable().default(null),
    date: isoDate.nullable().default(null),
    checks: z
      .array(
        z.strictObject({
          by: text(120),
          date: isoDate,
          outcome: text(600),
        }),
      )
      .default([]),
  })
  .refine((r) => r.status !== 'approved' || (r.by !== null && r.date !== null), {
    message: 'an approved item names the clinician who approved it (by) and the date',
    params: { code: 'refine.approvedNeedsBy' },
  });

const common = {
  id,
  schemaVersion: z.literal(CONTENT_SCHEMA_VERSION),
  lang: z.enum(LANGUAGES),
  topic: z.enum(TOPICS),
  title: text(120),
  sources: z.array(sourceSchema).min(1, 'name at least one source'),
  review: reviewSchema,
};

export const articleSchema = z.strictObject({
  ...common,
  kind: z.literal('article'),
  /** Core articles of a topic are the ones translated first (pt, sw). */
  core: z.boolean().default(false),
  summary: text(300),
  sections: z
    .array(
      z.strictObject({
        id: localId,
        heading: text(120),
        body: text(MAX_SECTION_CHARS),
        /** The signs whose urgency the section states (checked against the questionnaires). */
        signs: z.array(signNoteSchema).optional(),
      }),
    )
    .min(1),
  /** Training module to offer with an answer from this article. */
  module: id.optional(),
  related: z.array(id).default([]),
});

/** Every option says why it is right or wrong: the quiz teaches, not only scores. */
const quizOption = z.strictObject({
  text: text(200),
  feedback: text(400),
});

export const moduleSchema = z.strictObject({
  ...common,
  kind: z.literal('module'),
  summary: text(300),
  /** Share of quiz questions to answer right to pass. */
  passMark: z.number().min(0.5).max(1).default(0.8),
  steps: z
    .array(
      z.strictObject({
        id: localId,
        title: text(120),
        body: text(MAX_STEP_CHARS),
        /** The signs whose urgency the step states (checked against the questionnaires). */
        signs: z.array(signNoteSchema).optional(),
      }),
    )
    .min(5, 'a module has 5 to 10 lesson steps')
    .max(10, 'a module has 5 to 10 lesson steps'),
  quiz: z
    .array(
      z.strictObject({
        id: localId,
        question: text(300),
        options: z.array(quizOption).min(2).max(5),
        /** The right option, counted from 1. */
        answer: z.number().int(),
      }),
    )
    .min(4, 'a quiz has 4 to 6 questions')
    .max(6, 'a quiz has 4 to 6 questions'),
});

export const glossarySchema = z.strictObject({
  schemaVersion: z.literal(CONTENT_SCHEMA_VERSION),
  kind: z.literal('glossary'),
  topic: z.enum(TOPICS),
  sources: z.array(sourceSchema).default([]),
  review: reviewSchema,
  terms: z
    .array(
      z.strictObject({
        id: localId,
        en: text(120),
        pt: text(120).optional(),
        sw: text(120).optional(),
        st: text(120).optional(),
        ny: text(120).optional(),
        /** Other words people use for the same thing, per language, for search ("TB" for tuberculosis). */
        also: z.partialRecord(z.enum(LANGUAGES), z.array(text(120))).optional(),
        /** A one-line plain explanation in English. */
        explain: text(300).optional(),
      }),
    )
    .min(1),
});

export type Article = z.infer<typeof articleSchema>;
export type Module = z.infer<typeof moduleSchema>;
export type Glossary = z.infer<typeof glossarySchema>;
export type GlossaryTerm = Glossary['terms'][number];
export type Source = z.infer<typeof sourceSchema>;

/** Words that mark a question as describing danger (search leads with the urgent-referral message). */
export const urgentPhrasesSchema = z.strictObject({
  schemaVersion: z.literal(CONTENT_SCHEMA_VERSION),
  kind: z.literal('urgent-phrases'),
  sources: z.array(sourceSchema).min(1),
  review: reviewSchema,
  phrases: z.partialRecord(z.enum(LANGUAGES), z.array(text(80)).min(1)),
  /**
   * Which danger sign each phrase catches: `sign` is a questionnaire option id (optionally of one questionnaire),
   * `phrases` lists entries of `phrases` above. Every emergency sign of every questionnaire has an entry.
   */
  signs: z
    .array(
      z.strictObject({
        sign: z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'must be a questionnaire option id (snake_case)'),
        questionnaire: z
          .string()
          .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a questionnaire id')
          .optional(),
        phrases: z.array(text(80)).min(1),
      }),
    )
    .default([]),
});

export type UrgentPhrases = z.infer<typeof urgentPhrasesSchema>;

/**
 * Danger signs described in the words mentors use (issue 10, item 2; content/safety/danger-signs.yaml). `words`
 * gives each concept its words in the five languages ("bleed*" also matches "bleeding"; "a+b" names two concepts,
 * "!x" a negative one such as "hanyonyi"); the markers `not`, `nor`, `past`, `resolved`, `again`, `learn` and
 * `person` shape how a question is read. Each sign (`<questionnaire>:<option>`, or a rule's id) says which
 * questionnaire screens for it, which advice the urgent message gives, and describes it in every language: a
 * description is a few words (and `$concept` for a reading such as `$newborn`) that must all be in the question.
 */
const dangerConcept = z
  .string()
  .regex(/^!?[a-z_]+(\+!?[a-z_]+)*$/, 'a concept name (snake_case), "a+b" or "!a"');
const dangerSignId = z
  .string()
  .regex(
    /^([a-z0-9]+(-[a-z0-9]+)*:)?[a-z0-9][a-z0-9_]*$/,
    'must be <questionnaire>:<option id> or a rule id',
  );
export const dangerSignsSchema = z.strictObject({
  schemaVersion: z.literal(CONTENT_SCHEMA_VERSION),
  kind: z.literal('danger-signs'),
  sources: z.array(sourceSchema).min(1),
  review: reviewSchema,
  words: z.record(dangerConcept, z.partialRecord(z.enum(LANGUAGES), z.array(text(60)).min(1))),
  signs: z
    .array(
      z.strictObject({
        id: dangerSignId,
        /** The same sign in other questionnaires (convulsions in the newborn, child and malaria questionnaires). */
        also: z.array(dangerSignId).default([]),
        /** The questionnaire to offer (default: the one the id names). */
        screen: id.optional(),
        /** The advice group of the urgent message (locale key search.danger.<advice>). */
        advice: z.string().regex(/^[a-z_]+$/, 'must be an advice group: lowercase words joined by "_"'),
        describe: z.record(z.enum(LANGUAGES), z.array(text(120)).min(1)),
      }),
    )
    .min(1),
});
export type DangerSigns = z.infer<typeof dangerSignsSchema>;
