import { type Clause, numberOf } from './tokens.js';

/**
 * Readings written with digits, turned into the concepts the danger signs are described with: the age of a baby or
 * child (`newborn` under 2 months, `child` 2-59 months), and the readings the questionnaires' rules read (screening
 * contract version 2): temperature, breaths per minute for the age, blood pressure, MUAC, blood glucose.
 * `context` tells what the rest of the question said (pregnant, postpartum, diabetes...).
 */
export interface Readings {
  /** Age in days when a baby or child's age is given ("2 weeks old", "mtoto wa miezi 8"). */
  ageDays: number | null;
  /** Concepts the readings add: newborn, child, fever_reading, low_temp_reading, fast_breathing_reading... */
  concepts: Set<string>;
  /** A temperature was given and it is normal (35.5-37.4): "temp 36.8", "joto lake ni 36.7". */
  normalTemp: boolean;
}

const UNIT_DAYS: [RegExp, number][] = [
  [/^(day|days|dia|dias|siku|matsatsi|letsatsi|masiku|tsiku|d)$/, 1],
  [/^(week|weeks|wk|wks|semana|semanas|wiki|beke|dibeke|sabata|masabata|w)$/, 7],
  [/^(month|months|mo|mes|meses|mwezi|miezi|kgwedi|dikgwedi|mwezi|miyezi|m)$/, 30.4],
  [/^(year|years|yr|yrs|y|ano|anos|mwaka|miaka|selemo|dilemo|chaka|zaka)$/, 365],
];
const unitDays = (w: string | undefined): number | null => {
  if (!w) return null;
  for (const [re, days] of UNIT_DAYS) if (re.test(w)) return days;
  return null;
};

/** Words after which a number of weeks is a pregnancy's length, not an age ("at 35 weeks", "pregnant 24 weeks"). */
const BREATH_WORDS =
  /^(breath\w*|resp\w*|pum\w*|kupuma|apuma|akupuma|hema|ho|per|por|kwa|ka|pa|minute|minuto|min|dakika|motsotso|mphindi)$/;
const TEMP_WORDS = /^(fever|temp\w*|febre|homa|joto|feberu|mocheso|malungo|kutentha|degrees|graus|c)$/;
const BP_WORDS = /^(bp|pressure|pressao|tensao|ta|presha|shinikizo|khatello|kuthamanga|bp\w*)$/;
const GLUCOSE_WORDS = /^(sugar|glucose|glicemia|glicose|acucar|sukari|tswekere|shuga|glucometer|rbs|fbs)$/;
const MUAC_WORDS = /^(muac|pb|tape|fita|utepe|tepi|theipi)$/;
/** Words of pregnancy: a number of months beside them is how far the pregnancy has gone, not an age. */
const PREGNANCY_WORDS =
  /^(pregnan\w*|preg|expecting|gravida|gestante|gravidez|gestacao|mjamzito|mjmzt|mjm|mimba|ujauzito|kijacho|moimana|boimana|imile\w*|woyembekezera|oyembekezera|pakati)$/;
/** "born 10 days ago", "nasceu ha 3 dias", "aliyezaliwa siku 2 zilizopita": the time since birth is the age. */
const BORN_WORDS =
  /^(born|nasceu|nascido|nascida|aliyezaliwa|amezaliwa|alizaliwa|hlahile|o\w*hlaha|wobadwa|obadwa|anabadwa|adabadwa)$/;

/**
 * Words for a woman (not a child): a number of months or weeks right after them ("she is 7 months", "my client 8
 * months", "mama wa wiki 37", "a mamã de 8 meses") is most often how far her pregnancy has gone.
 */
const WOMAN_WORDS =
  /^(she|client|woman|lady|mother|mum|mom|wife|sister|neighbour|neighbor|cliente|mulher|senhora|vizinha|irma|mae|mama|mamae|ela|mteja|mke|mwanamke|dada|jirani|mayi|mkazi|mme|mosadi|mokudi)$/;
/** Joining words between a woman word and the number ("she is 7", "mulher de 8", "mama wa wiki 37"). */
const JOINING = /^(is|of|at|de|com|wa|ya|ni|o|e|ali|a|le|na)$/;

/** Blood pressure concepts of a systolic/diastolic pair. */
function addBp(concepts: Set<string>, sys: number, dia: number): void {
  if (sys >= 160 || dia >= 110) concepts.add('bp_severe_pregnancy');
  if (sys >= 180 || dia >= 110) concepts.add('bp_very_high');
  if (sys >= 140 || dia >= 90) concepts.add('bp_high');
}

export function readingsOf(clauses: Clause[]): Readings {
  const concepts = new Set<string>();
  let ageDays: number | null = null;
  let normalTemp = false;
  const all = clauses.flatMap((c) => c.words);
  const near = (i: number, re: RegExp, span = 4) =>
    all.slice(Math.max(0, i - span), i + span + 1).some((w) => re.test(w));

  all.forEach((w, i) => {
    // Blood pressure: 150/100.
    const bp = /^(\d{2,3})\/(\d{2,3})$/.exec(w);
    if (bp) {
      addBp(concepts, Number(bp[1]), Number(bp[2]));
      return;
    }
    const n = numberOf(w);
    if (n === null) return;
    // "BP 170 over 112", "tensão 165 por 100", "presha 180 kwa 110": a pair in words beside a word of pressure.
    const dia = numberOf(all[i + 2] ?? '');
    if (/^(over|por|sobre|kwa|ka|pa)$/.test(all[i + 1] ?? '') && dia !== null && near(i, BP_WORDS, 3)) {
      if (n >= 70 && n <= 260 && dia >= 40 && dia <= 160) addBp(concepts, n, dia);
      return;
    }
    // A woman word just before ("she is 7 months", "mama wa wiki 37"): her pregnancy's length (the age is kept too,
    // as "she" may be a baby girl; a sign that needs a child then still matches).
    const womanBefore =
      WOMAN_WORDS.test(all[i - 1] ?? '') ||
      (JOINING.test(all[i - 1] ?? '') && WOMAN_WORDS.test(all[i - 2] ?? '')) ||
      (unitDays(all[i - 1]) !== null && JOINING.test(all[i - 2] ?? '') && WOMAN_WORDS.test(all[i - 3] ?? ''));
    // "108mm", "11.2 cm": a MUAC reading by its unit.
    if (/^(mm|cm)$/.test(all[i + 1] ?? '')) {
      const mm = all[i + 1] === 'cm' ? n * 10 : n;
      if (mm >= 60 && mm < 115) concepts.add('muac_severe');
      return;
    }
    const unit = unitDays(all[i + 1]);
    if (unit !== null) {
      const after = all[i + 2] ?? '';
      const before = all.slice(Math.max(0, i - 3), i);
      // "5 days ago", "siku 2 zilizopita": when something happened, not an age, unless it is when the baby was born
      // ("born 10 days ago", "nasceu ha 3 dias").
      if (
        /^(ago|atras|zilizopita|iliyopita|passada|passado|fetileng|yapitayo|zapitazo|zapita|yapita)$/.test(
          after,
        ) ||
        all[i - 1] === 'ha'
      ) {
        if (before.some((b) => BORN_WORDS.test(b)) && ageDays === null) ageDays = n * unit;
        return;
      }
      if (womanBefore && ((unit === 30.4 && n <= 10) || (unit === 7 && n >= 4 && n <= 42)))
        concepts.add('pregnant');
      // Months beside a word of pregnancy ("gravida de 5 meses", "mimba ya miezi 4"): how far the pregnancy has gone.
      if (unit === 30.4 && n <= 10 && near(i, PREGNANCY_WORDS, 5)) {
        concepts.add('pregnant');
        return;
      }
      // 12 to 42 weeks is how far a pregnancy has gone ("at 35 weeks", "she is 34 wks"), unless "old" follows.
      if (unit === 7 && n >= 12 && n <= 42 && after !== 'old') {
        concepts.add('pregnant');
        return;
      }
      if (ageDays === null) ageDays = n * unit;
      return;
    }
    // "mtoto wa miezi 8", "wa wiki 1", "dibeke tse 31": the unit before the number (Swahili, Sesotho, Chichewa order).
    const tse = /^(tse|tsa|za|a)$/.test(all[i - 1] ?? '') && unitDays(all[i - 2]) !== null;
    const unitBefore = unitDays(tse ? all[i - 2] : all[i - 1]);
    if (
      unitBefore !== null &&
      (tse || /^(wa|la|ya|cha|a|tse|sa|pa|le|na)$/.test(all[i - 2] ?? '') || womanBefore)
    ) {
      // Weeks of pregnancy (12-42), months beside a word of pregnancy or after a woman word: the pregnancy's length.
      const pregnancy =
        (unitBefore === 7 && n >= 12 && n <= 42) ||
        (unitBefore === 30.4 && n <= 10 && (near(i, PREGNANCY_WORDS, 5) || womanBefore));
      if (pregnancy) concepts.add('pregnant');
      if (pregnancy && !(womanBefore && unitBefore === 30.4)) return;
      if (ageDays === null) ageDays = n * unitBefore;
      return;
    }
    if (n >= 35 && n <= 43 && (near(i, TEMP_WORDS) || /[.,]/.test(w))) {
      if (n >= 37.5) concepts.add('fever_reading');
      else if (n < 35.5) concepts.add('low_temp_reading');
      else normalTemp = true;
      return;
    }
    if (n >= 30 && n < 35.5 && near(i, TEMP_WORDS, 2) && /[.,]/.test(w)) concepts.add('low_temp_reading');
    if (n >= 20 && n <= 120 && Number.isInteger(n) && near(i, BREATH_WORDS, 3)) concepts.add(`breaths:${n}`);
    if (n >= 60 && n < 115 && near(i, MUAC_WORDS, 8)) concepts.add('muac_severe');
    if (n > 0 && n < 30 && near(i, GLUCOSE_WORDS, 3) && n < 3.0) concepts.add('glucose_low');
  });

  if (ageDays !== null) {
    if (ageDays < 60) {
      concepts.add('newborn');
      concepts.add('baby');
    } else if (ageDays < 60 * 30.4) concepts.add('child');
  }
  // Fast breathing for the age (WHO IMCI): 60 or more under 2 months, 50 at 2-11 months, 40 at 1-5 years.
  for (const c of [...concepts]) {
    if (!c.startsWith('breaths:')) continue;
    concepts.delete(c);
    const rate = Number(c.slice(8));
    const limit = ageDays === null ? 60 : ageDays < 60 ? 60 : ageDays < 365 ? 50 : ageDays < 1826 ? 40 : 30;
    if (rate >= limit) concepts.add('fast_breathing_reading');
  }
  return { ageDays, concepts, normalTemp };
}
