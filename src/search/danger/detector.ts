import type { Lang } from '../../accounts/types.js';
import type { DangerSigns } from '../../content/schemas.js';
import type { GlossaryExpander } from '../glossary-expansion.js';
import { readingsOf } from './readings.js';
import { type Clause, clausesOf, expandContractions, fold } from './tokens.js';

/**
 * Danger caught in any wording (issue 10, item 2). A question is read as concepts: each word of the danger-sign
 * data's `words` (five languages, "bleed*" matches "bleeding") stands for a concept, a negation ("no", "sem",
 * "hakuna", "ha", "palibe", "cannot", "stopped") turns the next concept into its negative ("no bleeding" is not
 * bleeding; "not feeding" is the sign), readings with digits add their own (a 2-week-old is a newborn; 172/114 is
 * very high), and glossary terms add their English words. A sign's description, read the same way, matches when the
 * question has all its concepts. Nothing matches in a question that asks what signs are ("what are the danger
 * signs...?", "o que fazer se...") without naming a person, nor in one that says it is over ("now fine").
 *
 * The fast path is synchronous and always runs. When the embedding model's vector of the question is at hand (the
 * search computed it), `withVector` also compares it with the English descriptions' vectors: it only adds.
 */

export interface DangerMatch {
  /** `<questionnaire>:<option>` (or a rule's id) of the sign recognised. */
  sign: string;
  /** The questionnaire that screens for it. */
  questionnaire: string;
  /** The advice group: locale key `search.danger.<advice>`. */
  advice: string;
  /** Which path recognised it. */
  via: 'words' | 'meaning';
  /** Cosine similarity, when via meaning. */
  score?: number;
}

/** Concepts with a role in reading rather than a sign of their own. */
const NOT = 'not';
const AND_NOT = 'nor';
const PAST = 'past';
const RESOLVED = 'resolved';
const AGAIN = 'again';
const LEARN = 'learn';
const PERSON = 'person';
const HYPO = 'hypo';
const PARTICULAR = 'particular';
const MARKERS = new Set([NOT, AND_NOT, PAST, RESOLVED, AGAIN, LEARN, PERSON, HYPO, PARTICULAR]);
/** Concepts that say who or when rather than what is wrong: a past clause keeps them. */
const CONTEXT = new Set([
  'pregnant',
  'postpartum',
  'newborn',
  'child',
  'baby',
  'birth',
  'bp',
  'diabetes',
  'malaria',
  'tb',
  'first_day',
]);
/** Words for a mother: with a baby under 2 months named, she is postpartum. */
const MOTHER_WORDS = new Set(['mother', 'mum', 'mom', 'mama', 'mae', 'mamae', 'mayi', 'mme']);
/** Who the question is about: never negated by a negation just before ("has not felt the baby"). */
const WHO = new Set(['child', 'baby']);
/**
 * Where a negation that runs on through the words right after it stops ("no fast breathing": neither fast nor
 * breathing): who, when, where in the body and how suddenly are not negated that way ("not moving in the belly").
 */
const NOT_CHAINED = new Set([
  ...CONTEXT,
  'belly',
  'upper_belly',
  'chest',
  'head',
  'face',
  'hands',
  'feet',
  'leg',
  'calf',
  'eyes',
  'palms',
  'side',
  'both',
  'sudden',
]);
/** How far a negation reaches: the next concept within this many words. */
const NEGATION_REACH = 4;

/**
 * Words that say "not" in one language and something else in Portuguese ("dor no peito": in the chest; "mal a si
 * propria": to herself): in a question that reads as Portuguese they are not a negation.
 */
const PT_FALSE_NEGATIONS = new Set(['no', 'si']);
const PT_FUNCTION = new Set([
  'o',
  'os',
  'as',
  'do',
  'da',
  'dos',
  'das',
  'com',
  'em',
  'uma',
  'um',
  'que',
  'esta',
  'tem',
  'ela',
  'ele',
  'nao',
  'para',
  'muito',
  'muita',
  'mas',
  'de',
  'e',
  'ao',
  'pela',
  'pelo',
  'dela',
  'dele',
  'na',
  'nos',
  'nas',
]);
const EN_FUNCTION = new Set([
  'the',
  'is',
  'and',
  'she',
  'he',
  'her',
  'his',
  'has',
  'was',
  'with',
  'of',
  'to',
  'in',
  'it',
  'my',
  'at',
  'on',
  'not',
  'have',
  'baby',
  'for',
]);
/** A question that reads as Portuguese rather than English (for the false negations above). */
function portugueseLike(clauses: Clause[]): boolean {
  let pt = 0;
  let en = 0;
  for (const { words } of clauses)
    for (const w of words) {
      if (PT_FUNCTION.has(w)) pt++;
      else if (EN_FUNCTION.has(w)) en++;
    }
  return pt > en;
}

interface Pattern {
  words: string[];
  /** Last word matches as a prefix ("bleed*"). Every word may be a prefix: "*" ends it. */
  prefix: boolean[];
  concepts: string[];
}

interface CompiledSign {
  sign: string;
  questionnaire: string;
  /** The same sign in other questionnaires (`also`): convulsions are a danger sign in pregnancy and in a baby.
   * The sign keeps its one id; the questionnaire offered follows who the question is about. */
  alternatives: string[];
  advice: string;
  /** One entry per description: the concepts it needs ("!x" negated). */
  needs: string[][];
  english: string[];
}

/**
 * Who each danger-sign questionnaire is about, most specific first: a sign several questionnaires share is offered
 * with the questionnaire of the person the question is about ("the baby has fits" -> newborn or child signs).
 */
const SUBJECTS: [questionnaire: string, concepts: string[]][] = [
  ['newborn-danger-signs', ['newborn']],
  ['postnatal-danger-signs', ['postpartum']],
  ['pregnancy-danger-signs', ['pregnant']],
  ['child-danger-signs', ['child', 'baby']],
];

function forWhom(sign: CompiledSign, reading: Reading): { sign: string; questionnaire: string } {
  if (sign.alternatives.length > 0) {
    const questionnaires = [sign.questionnaire, ...sign.alternatives.map((id) => id.split(':')[0] ?? '')];
    for (const [questionnaire, concepts] of SUBJECTS) {
      if (questionnaires.includes(questionnaire) && concepts.some((c) => reading.positive.has(c)))
        return { sign: sign.sign, questionnaire };
    }
  }
  return { sign: sign.sign, questionnaire: sign.questionnaire };
}

/** What a question says, as concepts. */
export interface Reading {
  positive: Set<string>;
  negative: Set<string>;
  /** A question about signs in general (learning), with no particular person. */
  general: boolean;
  /** Over and done ("now fine", "yuko sawa"). */
  resolved: boolean;
  /** Someone is named: a person, someone in particular, or an age given with digits. */
  someone: boolean;
}

/**
 * The semantic path's threshold, calibrated on test/danger/danger-dev2.yaml (written without seeing the detector)
 * with all-MiniLM-L6-v2 against the English descriptions. The best cosine of a question barely separates danger from
 * look-alike ordinary questions in that split: at 0.62 (the first setting) 23 of 58 English danger questions and 11
 * of 37 ordinary ones score above it, at 0.70 4 of 58 and 6 of 37, and the highest ordinary question scores 0.79;
 * once the words caught every dev2 danger question, the path added only false alarms (2 in dev2, 2 in dev, all
 * English). So it stays as a safety net for a close paraphrase of a description: 0.80 or more, and only when the
 * question names someone and something wrong (a sign concept, not negated); other languages reach it only through
 * the glossary's English words. Measure again before lowering it (`npx tsx bench/danger.ts --dev2`).
 */
export const SEMANTIC_MIN_COSINE = 0.8;

export class DangerDetector {
  private readonly exact = new Map<string, Pattern[]>();
  private readonly prefixes = new Map<string, Pattern[]>();
  /** One-word forms matched inside a word ("*pumua" ends a word, "*nyony*" anywhere in it): Bantu verbs. */
  private readonly infixes: { stem: string; end: boolean; pattern: Pattern }[] = [];
  private readonly signs: CompiledSign[] = [];
  /** Description vectors (unit length) and the sign each belongs to, once the model has embedded them. */
  private vectors: { matrix: Float32Array; dimensions: number; owner: number[] } | null = null;

  constructor(
    data: DangerSigns[],
    private readonly glossary: GlossaryExpander | null = null,
    readonly minCosine = SEMANTIC_MIN_COSINE,
  ) {
    for (const file of data) {
      for (const [concept, byLang] of Object.entries(file.words)) {
        for (const spelling of Object.values(byLang).flat()) this.addPattern(spelling ?? '', concept);
      }
    }
    for (const list of [...this.exact.values(), ...this.prefixes.values()])
      list.sort((a, b) => b.words.length - a.words.length);
    for (const file of data) {
      for (const entry of file.signs) {
        const questionnaire = entry.screen ?? entry.id.split(':')[0] ?? '';
        const needs: string[][] = [];
        const english: string[] = [];
        for (const [lang, list] of Object.entries(entry.describe)) {
          for (const description of list ?? []) {
            const need = this.needsOf(description, lang === 'pt');
            if (need.length > 0) needs.push(need);
            if (lang === 'en') english.push(description);
          }
        }
        this.signs.push({
          sign: entry.id,
          questionnaire,
          alternatives: entry.also,
          advice: entry.advice,
          needs,
          english,
        });
      }
    }
  }

  private addPattern(spelling: string, concept: string): void {
    // Read as a question is read: "won't stop" is "will not stop".
    const tokens = fold(expandContractions(spelling)).replace(/[’']/g, ' ').split(/\s+/).filter(Boolean);
    if (tokens.length === 1 && tokens[0]?.startsWith('*')) {
      const stem = (tokens[0] as string).replace(/\*/g, '');
      if (stem.length >= 4)
        this.infixes.push({
          stem,
          end: !(tokens[0] as string).endsWith('*'),
          pattern: { words: [stem], prefix: [true], concepts: concept.split('+') },
        });
      return;
    }
    const words = tokens.map((t) => t.replace(/\*$/, ''));
    const prefix = tokens.map((t) => t.endsWith('*'));
    if (words.length === 0 || !words[0]) return;
    const concepts = concept.split('+');
    const pattern: Pattern = { words, prefix, concepts };
    const first = words[0];
    if (prefix[0]) {
      const key = first.slice(0, 3);
      this.prefixes.set(key, [...(this.prefixes.get(key) ?? []), pattern]);
    } else this.exact.set(first, [...(this.exact.get(first) ?? []), pattern]);
  }

  /** Every pattern that matches at word `i`. */
  private patternsAt(words: string[], i: number): Pattern[] {
    const w = words[i] as string;
    const candidates = [...(this.exact.get(w) ?? []), ...(this.prefixes.get(w.slice(0, 3)) ?? [])];
    const inside = this.infixes
      .filter((x) => (x.end ? w.endsWith(x.stem) : w.includes(x.stem)))
      .map((x) => x.pattern);
    return [
      ...inside,
      ...candidates.filter((p) =>
        p.words.every((pw, j) => {
          const qw = words[i + j];
          return qw !== undefined && (p.prefix[j] ? qw.startsWith(pw) : qw === pw);
        }),
      ),
    ];
  }

  /**
   * The concepts of one clause, in order, negated ones as "!x", with the markers. At each word, the longest form
   * that names a concept wins and covers its words ("a cold" is not "cold"); markers ("not", "the baby" as a person)
   * are read beside the concepts and cover nothing.
   */
  private conceptsOf(clause: Clause, portuguese = false): { items: string[]; markers: Set<string> } {
    const items: string[] = [];
    const markers = new Set<string>();
    const { words } = clause;
    let negateUntil = -1;
    /** The word just after the last negation ("not | pregnant"). */
    let negationEnd = -1;
    let coveredUntil = 0;
    /** The last concept was negated: "nor" / "nem" / "wala" carries the negation on. */
    let lastNegated = false;
    /** The word right after a negated form: a form that starts there is negated too. */
    let chainAt = -1;
    for (let i = 0; i < words.length; i++) {
      let patterns = this.patternsAt(words, i);
      if (portuguese)
        patterns = patterns.filter(
          (p) =>
            !(
              p.words.length === 1 &&
              p.concepts.includes(NOT) &&
              PT_FALSE_NEGATIONS.has(p.words[0] as string)
            ),
        );
      if (patterns.length === 0) continue;
      const named = patterns.filter((p) => p.concepts.some((c) => !MARKERS.has(c)));
      const longest = i < coveredUntil ? 0 : Math.max(0, ...named.map((p) => p.words.length));
      for (const p of patterns) {
        // A marker inside a longer form that names a concept is part of it ("ha a pepa": since she gave birth).
        if (p.words.length < longest && !named.includes(p)) continue;
        for (const concept of p.concepts) {
          if (concept === NOT) {
            negateUntil = Math.max(negateUntil, i + p.words.length - 1 + NEGATION_REACH);
            negationEnd = i + p.words.length;
          } else if (concept === AND_NOT) {
            if (negateUntil >= i || lastNegated) {
              negateUntil = Math.max(negateUntil, i + p.words.length - 1 + NEGATION_REACH);
              negationEnd = i + p.words.length;
            }
          } else if (MARKERS.has(concept)) markers.add(concept);
        }
      }
      if (longest === 0) continue;
      const form = named.filter((p) => p.words.length === longest).flatMap((p) => p.concepts);
      // A form that starts with its own negation ("ja nao | nao reconhece", "not | does not know where") is not
      // negated again by the one before it.
      const ownNegation = patterns.some((p) => p.concepts.includes(NOT));
      let negated = i <= negateUntil && !ownNegation;
      // Who or when, away from the negation, does not take it: "has not felt the baby kick" negates the kick.
      const onlyContext = form.every((c) => MARKERS.has(c) || CONTEXT.has(c.replace(/^!/, '')));
      // Who (a child, a baby) does not take it even right after a negation that is one word with its verb
      // ("hajasikia | mtoto akicheza": has not felt the baby move); when ("not pregnant") does.
      const onlyWho = form.every((c) => WHO.has(c.replace(/^!/, '')));
      const passOn = negated && onlyContext && (i !== negationEnd || onlyWho);
      if (passOn) negated = false;
      if (!negated && i === chainAt && !ownNegation)
        negated = !form.some((c) => NOT_CHAINED.has(c.replace(/^!/, '')));
      for (const concept of form) {
        if (MARKERS.has(concept)) continue;
        const negative = concept.startsWith('!') !== negated;
        const name = concept.replace(/^!/, '');
        items.push(negative ? `!${name}` : name);
      }
      coveredUntil = i + longest;
      if (passOn) continue;
      lastNegated = negated;
      // A negation covers the words that follow it without a gap: "no fast breathing" is neither fast nor breathing.
      if (negated) negateUntil = -1;
      chainAt = negated ? i + longest : -1;
    }
    return { items, markers };
  }

  /** The concepts a description needs. */
  private needsOf(description: string, portuguese = false): string[] {
    const need = new Set<string>();
    // "$newborn", "$fever_reading": a concept named directly (the readings have no words of their own).
    for (const m of description.matchAll(/\$([a-z_]+)/g)) need.add(m[1] as string);
    for (const clause of clausesOf(description.replace(/\$[a-z_]+/g, ','))) {
      for (const item of this.conceptsOf(clause, portuguese).items) need.add(item);
    }
    return [...need];
  }

  /** Reads a question as concepts. */
  read(question: string): Reading {
    const clauses = clausesOf(question);
    const positive = new Set<string>();
    const negative = new Set<string>();
    /** Concepts said of the past: the glossary does not bring them back. */
    const dropped = new Set<string>();
    let learn = false;
    let person = false;
    let hypo = false;
    let particular = false;
    let again = false;
    /** The last clause that says it is over, and the last that names something wrong: over only if said after. */
    let resolvedAt = -1;
    let symptomAt = -1;
    const portuguese = portugueseLike(clauses);
    clauses.forEach((clause, index) => {
      const { items, markers } = this.conceptsOf(clause, portuguese);
      if (markers.has(LEARN)) learn = true;
      if (markers.has(PERSON)) person = true;
      if (markers.has(HYPO)) hypo = true;
      if (markers.has(PARTICULAR)) particular = true;
      if (markers.has(RESOLVED)) resolvedAt = index;
      if (markers.has(AGAIN)) again = true;
      const past = markers.has(PAST) && !items.includes('postpartum') && !items.includes('birth');
      for (const item of items) {
        if (item.startsWith('!')) negative.add(item.slice(1));
        else if (!past || CONTEXT.has(item)) positive.add(item);
        else dropped.add(item);
        if (!past && !CONTEXT.has(item.replace(/^!/, ''))) symptomAt = index;
      }
    });
    const readings = readingsOf(clauses);
    for (const c of readings.concepts) positive.add(c);
    // The mother of a baby under 2 months ("mother of baby 4 days", "mama wa kichanga cha siku 6") has given birth.
    if (positive.has('newborn') && clauses.some(({ words }) => words.some((w) => MOTHER_WORDS.has(w))))
      positive.add('postpartum');
    if (this.glossary) {
      // Glossary terms in any language add the concepts of their English words (a term that was negated adds none).
      for (const term of this.glossary.termsIn(question)) {
        for (const clause of clausesOf([term.en, ...(term.also?.en ?? [])].join(', '))) {
          for (const item of this.conceptsOf(clause).items) {
            if (!item.startsWith('!') && !negative.has(item) && !dropped.has(item)) positive.add(item);
          }
        }
      }
    }
    // A normal temperature given with digits ("temp 36.8") says the body is neither hot nor cold.
    if (readings.normalTemp) {
      positive.delete('fever');
      positive.delete('cold');
    }
    // A learning question names no one in particular; a hypothetical ("if a woman...", "se uma gravida...") may say
    // "she" but names no one in particular ("my client", "today", an age or a reading given).
    const named = particular || readings.ageDays !== null;
    const general = (learn && !person && !named) || (hypo && !particular);
    return {
      positive,
      negative,
      general,
      resolved: resolvedAt >= 0 && resolvedAt >= symptomAt && !again,
      someone: person || named,
    };
  }

  /** The sign a question describes, by its words alone (synchronous, tens of microseconds). */
  detect(question: string): DangerMatch | null {
    return this.match(this.read(question));
  }

  /** The sign recognised from a reading (exposed for tests and the benchmark). */
  match(reading: Reading): DangerMatch | null {
    if (reading.general || reading.resolved) return null;
    const has = (need: string) =>
      need.startsWith('!') ? reading.negative.has(need.slice(1)) : reading.positive.has(need);
    let best: { sign: CompiledSign; size: number } | null = null;
    for (const sign of this.signs) {
      for (const need of sign.needs) {
        if (need.length > (best?.size ?? 0) && need.every(has)) best = { sign, size: need.length };
      }
    }
    if (!best) return null;
    const { sign } = best;
    return { ...forWhom(sign, reading), advice: sign.advice, via: 'words' };
  }

  /**
   * The text whose vector the semantic path compares, as search embeds it: an English question as it is, another
   * language with the glossary's English words of the terms it names.
   */
  semanticText(question: string, lang: Lang): string {
    if (lang === 'en' || !this.glossary) return question;
    const expansion = this.glossary.expansion(question, lang);
    return expansion.length > 0 ? `${question} (${expansion.join(', ')})` : question;
  }

  /** English descriptions to embed, in order (`attachVectors` takes their vectors in the same order). */
  descriptionTexts(): string[] {
    return this.signs.flatMap((s) => s.english);
  }

  /** The descriptions' vectors (unit length, as the embedder gives them), in `descriptionTexts` order. */
  attachVectors(vectors: Float32Array[]): void {
    const owner = this.signs.flatMap((s, i) => s.english.map(() => i));
    const dimensions = vectors[0]?.length ?? 0;
    if (vectors.length !== owner.length || dimensions === 0) return;
    const matrix = new Float32Array(vectors.length * dimensions);
    vectors.forEach((v, i) => {
      matrix.set(v, i * dimensions);
    });
    this.vectors = { matrix, dimensions, owner };
  }

  get semanticReady(): boolean {
    return this.vectors !== null;
  }

  /**
   * The words first; when they find nothing and the question's vector is given, the nearest description by
   * meaning, if near enough, and only for a question that names something wrong (a sign concept, not negated).
   */
  withVector(question: string, vector: Float32Array | null | undefined): DangerMatch | null {
    const reading = this.read(question);
    return this.match(reading) ?? this.byMeaning(reading, vector);
  }

  /** The semantic path alone, on a question already read (search reads it once, while the model runs). */
  byMeaning(reading: Reading, vector: Float32Array | null | undefined): DangerMatch | null {
    if (!vector || !this.vectors || reading.general || reading.resolved || !reading.someone) return null;
    const symptoms = [...reading.positive].filter((c) => !CONTEXT.has(c) && !c.startsWith('bp_'));
    if (symptoms.length === 0) return null;
    const { matrix, dimensions, owner } = this.vectors;
    if (vector.length !== dimensions) return null;
    let bestScore = -1;
    let bestRow = -1;
    for (let row = 0; row < owner.length; row++) {
      let dot = 0;
      const base = row * dimensions;
      for (let j = 0; j < dimensions; j++) dot += (matrix[base + j] as number) * (vector[j] as number);
      if (dot > bestScore) {
        bestScore = dot;
        bestRow = row;
      }
    }
    if (bestScore < this.minCosine) return null;
    const sign = this.signs[owner[bestRow] as number];
    if (!sign) return null;
    return { ...forWhom(sign, reading), advice: sign.advice, via: 'meaning', score: bestScore };
  }

  /** Every sign id the data describes (for the content check and tests). */
  signIds(): string[] {
    return this.signs.map((s) => s.sign);
  }
}
