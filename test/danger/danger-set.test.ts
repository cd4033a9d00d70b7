import { describe, expect, it } from 'vitest';
import {
  CONTRACT_SIGN_IDS,
  DANGER_LANGS,
  type DangerItem,
  type DangerLang,
  type DangerSet,
  type DangerSplit,
  loadDangerSet,
  normaliseQuestion,
} from './danger-set.js';

const splits: Record<DangerSplit, DangerSet> = {
  dev: loadDangerSet('dev'),
  dev2: loadDangerSet('dev2'),
  dev3: loadDangerSet('dev3'),
  test: loadDangerSet('test'),
};
const SPLITS = Object.keys(splits) as DangerSplit[];

/** Minimum number of questions per language (issue 10: at least 200 overall; the brief for the set: these). */
const MIN_PER_LANG: Record<DangerSplit, Record<DangerLang, number>> = {
  test: { en: 50, pt: 50, sw: 50, st: 15, ny: 15 },
  dev: { en: 30, pt: 30, sw: 30, st: 10, ny: 10 },
  // The second development split leans on English, where the detector missed most on the held-out split.
  dev2: { en: 80, pt: 50, sw: 50, st: 20, ny: 20 },
  // The third leans on Swahili and English, where the detector still missed most on the held-out split.
  dev3: { en: 70, pt: 30, sw: 80, st: 10, ny: 10 },
};
const MIN_TOTAL: Record<DangerSplit, number> = { test: 220, dev: 130, dev2: 220, dev3: 200 };
/** About 40 % ordinary questions in each language and split. */
const ORDINARY_SHARE = { min: 0.3, max: 0.5 };

const byLang = (items: DangerItem[], lang: DangerLang) => items.filter((i) => i.lang === lang);

describe.each(['dev', 'dev2', 'dev3', 'test'] as const)('danger set, %s split', (split) => {
  const { signs, items } = splits[split];
  const known = new Set([...CONTRACT_SIGN_IDS, ...Object.keys(signs)]);

  it('has enough questions in every language', () => {
    expect(items.length).toBeGreaterThanOrEqual(MIN_TOTAL[split]);
    for (const lang of DANGER_LANGS) {
      expect(byLang(items, lang).length, lang).toBeGreaterThanOrEqual(MIN_PER_LANG[split][lang]);
    }
  });

  it('has about 40 % ordinary questions in every language', () => {
    for (const lang of DANGER_LANGS) {
      const all = byLang(items, lang);
      const share = all.filter((i) => !i.danger).length / all.length;
      expect(share, `${lang}: ordinary share ${share.toFixed(2)}`).toBeGreaterThanOrEqual(ORDINARY_SHARE.min);
      expect(share, `${lang}: ordinary share ${share.toFixed(2)}`).toBeLessThanOrEqual(ORDINARY_SHARE.max);
    }
  });

  it('names a known sign for every danger question, and none for an ordinary one', () => {
    for (const item of items) {
      if (item.danger) {
        expect(item.sign, item.q).not.toBeNull();
        expect(known.has(item.sign ?? ''), `${item.q}: unknown sign ${item.sign}`).toBe(true);
      } else {
        expect(item.sign, item.q).toBeNull();
      }
    }
  });

  it('defines custom signs apart from the contract ids, and uses each of them', () => {
    const used = new Set(items.map((i) => i.sign));
    for (const id of Object.keys(signs)) {
      expect(CONTRACT_SIGN_IDS, id).not.toContain(id);
      expect(used.has(id), `custom sign ${id} is never used`).toBe(true);
    }
  });

  it('has no question twice', () => {
    const seen = new Map<string, string>();
    for (const { q } of items) {
      const key = normaliseQuestion(q);
      expect(seen.get(key), `duplicate: ${q}`).toBeUndefined();
      seen.set(key, q);
    }
  });
});

describe('danger set, all splits', () => {
  it('shares no question between any two splits', () => {
    for (const [i, a] of SPLITS.entries()) {
      for (const b of SPLITS.slice(i + 1)) {
        const inA = new Set(splits[a].items.map((item) => normaliseQuestion(item.q)));
        const shared = splits[b].items
          .filter((item) => inA.has(normaliseQuestion(item.q)))
          .map((item) => item.q);
        expect(shared, `${a} and ${b}`).toEqual([]);
      }
    }
  });

  it('defines a custom sign the same way in every split', () => {
    for (const [i, a] of SPLITS.entries()) {
      for (const b of SPLITS.slice(i + 1)) {
        for (const [id, text] of Object.entries(splits[a].signs)) {
          if (id in splits[b].signs) expect(splits[b].signs[id], `${id} in ${a} and ${b}`).toBe(text);
        }
      }
    }
  });

  it('covers every emergency sign of the contract in the test split, and at least twice over both splits', () => {
    const count = (set: DangerSet, sign: string) => set.items.filter((i) => i.sign === sign).length;
    const missingInTest = CONTRACT_SIGN_IDS.filter((s) => count(splits.test, s) === 0);
    const thin = CONTRACT_SIGN_IDS.filter((s) => count(splits.test, s) + count(splits.dev, s) < 2);
    expect(missingInTest).toEqual([]);
    expect(thin).toEqual([]);
  });

  it('covers each of the custom signs in the test split', () => {
    const used = new Set(splits.test.items.map((i) => i.sign));
    const ids = new Set([...Object.keys(splits.test.signs), ...Object.keys(splits.dev.signs)]);
    expect([...ids].filter((id) => !used.has(id))).toEqual([]);
  });
});

describe.each(['dev2', 'dev3'] as const)('danger set, later development split %s', (split) => {
  const { signs, items } = splits[split];

  it('covers every emergency sign of the contract and each of its custom signs', () => {
    const used = new Set(items.map((i) => i.sign));
    expect(CONTRACT_SIGN_IDS.filter((s) => !used.has(s))).toEqual([]);
    expect(Object.keys(signs).filter((id) => !used.has(id))).toEqual([]);
  });

  it('marks every st and ny question for a native speaker to check', () => {
    const unmarked = items.filter(
      (i) => (i.lang === 'st' || i.lang === 'ny') && !i.note?.startsWith('check'),
    );
    expect(unmarked.map((i) => i.q)).toEqual([]);
  });
});
