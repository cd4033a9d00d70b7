/** The fixed list of topics (shared docs/content.md); every content item has one. */
export const TOPICS = [
  'hiv',
  'pmtct',
  'tb',
  'malaria',
  'hypertension',
  'diabetes',
  'cervical-cancer',
  'maternal-health',
  'newborn-child-health',
  'nutrition',
  'family-planning',
  'mental-health',
  'adolescent-health',
] as const;
export type Topic = (typeof TOPICS)[number];
