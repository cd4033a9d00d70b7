import { describe, expect, it } from 'vitest';
import { monthOf, rankNotHelpful } from '../../../src/features/publishing/not-helpful-flow.js';
import type { FeedbackRecord } from '../../../src/features/search/records.js';
import { allText } from '../../support/chat-driver.js';
import { publishingWorld } from './world.js';

const rating = (at: string, passage: string, helpful: boolean): FeedbackRecord => ({
  at,
  passage,
  lang: 'en',
  helpful,
});

describe('articles rated not helpful', () => {
  it('reads the month where the programme works, not in UTC', () => {
    // 23:30 UTC on 31 October is already 1 November in Johannesburg.
    expect(monthOf(new Date('2026-10-31T23:30:00Z'), 'Africa/Johannesburg')).toBe('2026-11');
    expect(monthOf(new Date('2026-10-31T23:30:00Z'), 'UTC')).toBe('2026-10');
  });

  it('groups passages by their article, this month only, most "not helpful" first, at most ten', () => {
    const now = new Date('2026-11-20T10:00:00Z');
    const records = [
      rating('2026-11-02T08:00:00Z', 'tb-myths#cause', false),
      rating('2026-11-03T08:00:00Z', 'tb-myths#hiv', false),
      rating('2026-11-04T08:00:00Z', 'tb-myths#hiv', true),
      rating('2026-11-05T08:00:00Z', 'hiv-prep#who', false),
      rating('2026-11-05T09:00:00Z', 'hiv-prep#who', true),
      rating('2026-11-05T10:00:00Z', 'hiv-prep#who', true),
      rating('2026-11-06T08:00:00Z', 'malaria-basics#nets', true),
      // Last month: not counted.
      rating('2026-10-30T08:00:00Z', 'hiv-prep#who', false),
      rating('2026-10-30T09:00:00Z', 'hiv-prep#who', false),
      ...Array.from({ length: 12 }, (_, i) => rating('2026-11-07T08:00:00Z', `item-${i}#a`, false)),
    ];
    const ranked = rankNotHelpful(records, now, 'Africa/Johannesburg');
    expect(ranked).toHaveLength(10);
    expect(ranked[0]).toEqual({ item: 'tb-myths', notHelpful: 2, all: 3 });
    expect(ranked.map((r) => r.item)).not.toContain('malaria-basics');
    // Among equal counts the larger share comes first (1 of 1 before 1 of 3), so hiv-prep falls past the tenth.
    expect(ranked.slice(1).map((r) => r.item)).not.toContain('hiv-prep');
    expect(rankNotHelpful(records.slice(0, 7), now, 'Africa/Johannesburg').at(-1)).toEqual({
      item: 'hiv-prep',
      notHelpful: 1,
      all: 3,
    });
  });

  it('trainers see titles in their language with counts; nothing when nobody rated', async () => {
    const w = await publishingWorld();
    await w.join('thandi', 'trainer', 'Thandi');
    await w.join('joana', 'trainer', 'Joana', { language: 'Português' });
    expect(allText(await w.chat.tap('thandi', 'Articles rated not helpful'))).toContain(
      'No article was rated not helpful this month.',
    );
    const now = w.app.clock.now().toISOString();
    const feedback = w.store.journal<FeedbackRecord>('feedback');
    await feedback.append(rating(now, 'tb-signs-and-screening#signs', false));
    await feedback.append(rating(now, 'tb-signs-and-screening#signs', false));
    await feedback.append(rating(now, 'tb-signs-and-screening#refer', true));
    await feedback.append(rating(now, 'tb-basics#spread', false));
    const en = allText(await w.chat.tap('thandi', 'Articles rated not helpful'));
    expect(en).toMatch(/1\. 📖 .*TB.*: 2 \/ 3\n2\. 🎓 TB: find it early, support the cure: 1 \/ 1/);
    const pt = allText(await w.chat.tap('joana', 'Artigos avaliados como pouco úteis'));
    expect(pt).toContain('Avaliados como pouco úteis com mais frequência este mês');
    const ptTitle = w.app.services.catalog.article('tb-signs-and-screening', 'pt')?.item.title ?? '?';
    expect(pt).toContain(`1. 📖 ${ptTitle}: 2 / 3`);
    // Beside "Questions without answers" in the menu.
    expect(allText(await w.chat.text('thandi', '/menu'))).toMatch(
      /Questions without answers\n\d+\. Articles rated not helpful/,
    );
    await w.app.close();
  });
});
