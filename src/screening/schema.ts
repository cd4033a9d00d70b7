import { z } from 'zod';
import { LANGUAGES } from '../accounts/types.js';
import { CONTENT_SCHEMA_VERSION, reviewSchema, sourceSchema } from '../content/schemas.js';
import { TOPICS } from '../content/topics.js';

export const URGENCIES = ['none', 'routine', 'urgent', 'emergency'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Groups a client can belong to; they suggest the relevant questionnaires first. */
export const CLIENT_GROUPS = [
  'pregnant',
  'postpartum',
  'breastfeeding',
  'child',
  'infant',
  'adolescent',
  'living_with_hiv',
  'hiv_exposed_infant',
  'ncd',
] as const;
export type ClientGroup = (typeof CLIENT_GROUPS)[number];

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case (e.g. night_sweats)');
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `is too long (at most ${max} characters)`);
const expression = z.string().trim().min(1);

/** Option ids are the contract's (shared docs/screening.md); some start with a digit (3_to_5_years). */
const optionId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_]*$/, 'must be snake_case (e.g. night_sweats or 3_to_5_years)');

const option = z.strictObject({
  id: optionId,
  text: text(120),
  /** A number the answer takes instead of the option id (PHQ-9 items: 0-3). */
  value: z.number().optional(),
});

const common = {
  id,
  text: text(300),
  /** Asked only when this is true (shared docs/screening.md "asked if"). */
  askIf: expression.optional(),
  /** Extra checks of the answer against others: each `when` must hold, else `message` names the problem. */
  checks: z.array(z.strictObject({ when: expression, message: text(200) })).default([]),
};

export const questionSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...common, type: z.literal('yesno') }),
  z.strictObject({
    ...common,
    type: z.literal('number'),
    min: z.number(),
    max: z.number(),
    integer: z.boolean().default(true),
    unit: text(20).optional(),
  }),
  z.strictObject({ ...common, type: z.literal('choice'), options: z.array(option).min(2) }),
  z.strictObject({ ...common, type: z.literal('multi'), options: z.array(option).min(1) }),
]);
export type Question = z.infer<typeof questionSchema>;

export const questionnaireSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase words joined by "-"'),
  schemaVersion: z.literal(CONTENT_SCHEMA_VERSION),
  kind: z.literal('questionnaire'),
  /** Bumped when questions or rules change; every record keeps the version it was scored with. */
  version: z.number().int().min(1),
  lang: z.literal('en'),
  topic: z.enum(TOPICS),
  title: text(100),
  intro: text(400),
  suggestFor: z.array(z.enum(CLIENT_GROUPS)).default([]),
  sources: z.array(sourceSchema).min(1),
  review: reviewSchema,
  questions: z.array(questionSchema).min(1),
  /** Derived values (e.g. BMI), in order; later ones may use earlier ones. */
  computed: z.array(z.strictObject({ id, expr: expression })).default([]),
  /** The instrument's score (sums of points), where it has one. Missing answers count as 0 via num(). */
  score: z
    .strictObject({
      expr: expression,
      /**
       * The score exists only when this holds (FINDRISC is not used in pregnancy: `pregnant != true`); otherwise
       * score and band are null and no rule on them fires. A skipped question reads as no value here.
       */
      when: expression.optional(),
    })
    .optional(),
  /** Bands of the score, first match wins. */
  bands: z.array(z.strictObject({ id, when: expression, text: text(120) })).default([]),
  rules: z
    .array(z.strictObject({ id, when: expression, urgency: z.enum(URGENCIES), text: text(300) }))
    .min(1),
  /** What to do, plainly, for each urgency. */
  advice: z.strictObject({
    emergency: text(600).optional(),
    urgent: text(600).optional(),
    routine: text(600).optional(),
    none: text(600),
  }),
  /** Advice added when a condition holds (e.g. "living with HIV: ask about TB preventive treatment"). */
  notes: z.array(z.strictObject({ id, when: expression, text: text(400) })).default([]),
  /** The questionnaire's own test cases, run on load, by `content validate` and in CI. */
  tests: z
    .array(
      z.strictObject({
        name: text(200),
        answers: z.record(z.string(), z.unknown()),
        expect: z.strictObject({
          urgency: z.enum(URGENCIES).optional(),
          score: z.number().nullable().optional(),
          band: z.string().nullable().optional(),
          reasons: z.array(z.string()).optional(),
          error: z.string().optional(),
        }),
      }),
    )
    .min(1, 'a questionnaire carries its own test cases'),
});
export type Questionnaire = z.infer<typeof questionnaireSchema>;

/** A translation holds text only, keyed by the same ids: thresholds exist once, in the English file. */
export const questionnaireTextSchema = z.strictObject({
  id: z.string(),
  schemaVersion: z.literal(CONTENT_SCHEMA_VERSION),
  kind: z.literal('questionnaire-text'),
  lang: z.enum(LANGUAGES.filter((l) => l !== 'en') as ['pt', 'sw', 'st', 'ny']),
  /** The version of the English file this translation was made from. */
  version: z.number().int().min(1),
  review: reviewSchema,
  title: text(100),
  intro: text(400),
  questions: z.record(
    z.string(),
    z.strictObject({
      text: text(300),
      unit: text(20).optional(),
      options: z.record(z.string(), text(120)).optional(),
      checks: z.array(text(200)).optional(),
    }),
  ),
  bands: z.record(z.string(), text(120)).default({}),
  rules: z.record(z.string(), text(300)),
  advice: z.strictObject({
    emergency: text(600).optional(),
    urgent: text(600).optional(),
    routine: text(600).optional(),
    none: text(600),
  }),
  notes: z.record(z.string(), text(400)).default({}),
});
export type QuestionnaireText = z.infer<typeof questionnaireTextSchema>;
