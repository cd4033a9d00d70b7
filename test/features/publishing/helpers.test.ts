import { describe, expect, it } from 'vitest';
import type { ItemChange, Proposal } from '../../../src/content/publishing/types.js';
import { linkId, newsOf } from '../../../src/features/publishing/announce.js';
import { pack } from '../../../src/features/publishing/article-flow.js';
import { tryables } from '../../../src/features/publishing/tryables.js';

const item = (over: Partial<ItemChange>): ItemChange => ({
  change: 'added',
  kind: 'article',
  id: 'a',
  lang: 'en',
  title: 'A',
  file: 'library/tb/a.en.yaml',
  counts: {},
  fields: [],
  ...over,
});

const proposal = (items: ItemChange[]): Proposal => ({
  id: 'p1',
  by: 'u1',
  at: '2026-11-02T08:00:00Z',
  note: '',
  files: [],
  baseVersion: 1,
  status: 'draft',
  preview: { files: { added: [], changed: [], removed: [] }, items, logic: [], tests: [], clinical: [] },
  needsApproval: false,
});

describe('what mentors are told of', () => {
  it('articles and modules added or changed, once each; a change in any language makes it an update', () => {
    const news = newsOf([
      item({ id: 'x', lang: 'en', change: 'added' }),
      item({ id: 'x', lang: 'sw', change: 'changed' }),
      item({ id: 'm', kind: 'module', change: 'added' }),
      item({ id: 'gone', change: 'removed' }),
      item({ id: 'q', kind: 'questionnaire', lang: null }),
      item({ id: 'tb', kind: 'glossary', lang: null }),
    ]);
    expect(news).toEqual([
      { kind: 'article', id: 'x', change: 'changed' },
      { kind: 'module', id: 'm', change: 'added' },
    ]);
    expect(news.map(linkId)).toEqual(['@art:x', '@mod:m']);
  });

  it('at most five items', () => {
    expect(newsOf(Array.from({ length: 8 }, (_, i) => item({ id: `a${i}` })))).toHaveLength(5);
  });
});

describe('what a trainer may try first', () => {
  const items = [
    item({ kind: 'module', id: 'tb-basics', lang: 'en', title: 'TB basics', change: 'changed' }),
    item({ kind: 'module', id: 'tb-basics', lang: 'pt', title: 'TB básico', change: 'changed' }),
    item({ kind: 'questionnaire-text', id: 'phq9', lang: 'sw', title: 'PHQ-9 (sw)', change: 'changed' }),
    item({ kind: 'questionnaire', id: 'phq9', lang: null, title: 'PHQ-9', change: 'changed' }),
    item({ kind: 'module', id: 'old', change: 'removed' }),
    item({ kind: 'article', id: 'x' }),
  ];

  it('each new or changed module and questionnaire once, titled in her language where the upload has it, else English', () => {
    expect(tryables(proposal(items), 'trainer', 'pt')).toEqual([
      { kind: 'module', id: 'tb-basics', title: 'TB básico' },
      { kind: 'questionnaire', id: 'phq9', title: 'PHQ-9' },
    ]);
  });

  it('only what her role may run: an admin has no training modules', () => {
    expect(tryables(proposal(items), 'admin', 'en').map((t) => t.kind)).toEqual(['questionnaire']);
  });
});

describe('an article in chat messages', () => {
  it('packs paragraphs into as few messages as fit, never splitting one', () => {
    expect(pack(['aaaa', 'bbbb', 'cccc'], 10)).toEqual(['aaaa\n\nbbbb', 'cccc']);
    expect(pack(['a'.repeat(20)], 10)).toEqual(['a'.repeat(20)]);
  });
});
