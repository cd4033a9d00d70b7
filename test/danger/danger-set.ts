/**
 * The danger-detection evaluation set (issue 10, item 2): a development split to build and tune a detector on, and a
 * held-out test split to measure it once. The labelling rule is written at the top of each YAML file.
 *
 * This loader is shared by the schema test (danger-set.test.ts) and by a benchmark that scores a detector.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const DANGER_LANGS = ['en', 'pt', 'sw', 'st', 'ny'] as const;
export type DangerLang = (typeof DANGER_LANGS)[number];

/**
 * `dev2`: a second development split, written after the detector had been tuned to 100 % on `dev`; `dev3`: a third,
 * written after it had been tuned on `dev2` too (East African Swahili and non-native English as typed).
 */
export type DangerSplit = 'dev' | 'dev2' | 'dev3' | 'test';

/**
 * The emergency signs of screening.md version 2, per questionnaire: the options (or, for phq9, the question) whose
 * answer concludes `emergency` on its own. A sign is named `<questionnaire id>:<id>`. Kept here, from the contract,
 * rather than read from content/questionnaires, so the set does not change meaning when a questionnaire file does.
 */
export const CONTRACT_EMERGENCY_SIGNS: Readonly<Record<string, readonly string[]>> = {
  'tb-symptoms': ['coughing_blood'],
  'malaria-fever': [
    'convulsions',
    'unconscious_or_very_sleepy',
    'unable_to_drink_or_feed',
    'vomits_everything',
    'difficult_breathing',
    'very_pale',
    'yellow_eyes',
    'unable_to_sit_or_stand',
  ],
  // stroke_signs, chest_pain, difficult_breathing, confusion: at any reading. The others: emergency when pregnant or
  // postpartum (severe_headache, blurred_vision, epigastric_pain whatever the reading; swelling_face_hands with a high
  // reading), or with a reading of 180/110 or more.
  'hypertension-bp': [
    'stroke_signs',
    'chest_pain',
    'difficult_breathing',
    'confusion',
    'severe_headache',
    'blurred_vision',
    'epigastric_pain',
    'swelling_face_hands',
  ],
  'diabetes-risk': ['vomiting_or_drowsy'],
  'cervical-screening': ['heavy_bleeding'],
  phq9: ['q9'],
  'pregnancy-danger-signs': [
    'vaginal_bleeding',
    'convulsions',
    'severe_headache',
    'blurred_vision',
    'fever',
    'severe_abdominal_pain',
    'difficult_breathing',
    'water_broke_early',
    'reduced_fetal_movements',
    'swelling_face_hands',
  ],
  'postnatal-danger-signs': [
    'heavy_bleeding',
    'convulsions',
    'difficult_breathing',
    'fever_too_weak',
    'severe_headache_blurred_vision',
    'severe_abdominal_pain',
    'calf_pain_swelling',
    'chest_pain',
    'thoughts_of_self_harm',
    'confused_or_strange_behaviour',
  ],
  'newborn-danger-signs': [
    'not_feeding_well',
    'convulsions',
    'fast_breathing',
    'severe_chest_indrawing',
    'moves_only_when_stimulated',
    'fever',
    'low_temperature',
    'yellow_palms_soles',
    'yellow_first_day',
  ],
  'child-danger-signs': [
    'unable_to_drink_or_breastfeed',
    'vomits_everything',
    'convulsions',
    'lethargic_or_unconscious',
    'chest_indrawing',
    'swelling_both_feet',
    'fast_breathing',
  ],
};

export const CONTRACT_SIGN_IDS: readonly string[] = Object.entries(CONTRACT_EMERGENCY_SIGNS).flatMap(
  ([q, ids]) => ids.map((id) => `${q}:${id}`),
);

const customSignId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a custom sign id is snake_case, without a colon');

export const dangerItemSchema = z.strictObject({
  q: z.string().trim().min(3),
  lang: z.enum(DANGER_LANGS),
  danger: z.boolean(),
  sign: z.string().min(1).nullable(),
  note: z.string().min(1).optional(),
});
export type DangerItem = z.infer<typeof dangerItemSchema>;

export const dangerSetSchema = z.strictObject({
  /** Signs that are a questionnaire rule rather than an option: id -> what it is. */
  signs: z.record(customSignId, z.string().min(10)).default({}),
  items: z.array(dangerItemSchema).min(1),
});
export type DangerSet = z.infer<typeof dangerSetSchema>;

export const dangerSetFile = (split: DangerSplit): string =>
  join(import.meta.dirname, `danger-${split}.yaml`);

/** Parses and validates one split; throws with zod's message when the file does not match the schema. */
export function loadDangerSet(split: DangerSplit): DangerSet {
  return dangerSetSchema.parse(parse(readFileSync(dangerSetFile(split), 'utf8')));
}

/** The form under which two questions count as the same: case, accents, punctuation and spacing ignored. */
export function normaliseQuestion(q: string): string {
  return q
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
