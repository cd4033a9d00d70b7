import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load-content.js';
import { contentDir } from '../../src/paths.js';
import { CompiledQuestionnaire } from '../../src/screening/questionnaire-engine.js';

/**
 * Every questionnaire's own test vectors (one per rule boundary of shared docs/screening.md), each run as its own
 * test through the engine the chat and the CLI use.
 */
const { content } = await loadContent(contentDir);

// Current versions and the archived ones (content/questionnaires/archive): a stored screening keeps its meaning.
const all = [...content.questionnaires, ...content.archivedQuestionnaires];
describe.each(all.map((q) => [`${q.id} v${q.version}`, q] as const))('%s', (_id, source) => {
  const q = new CompiledQuestionnaire(source);
  it.each(source.tests.map((t) => [t.name, t] as const))('%s', (_name, test) => {
    const result = q.evaluate(test.answers);
    if (test.expect.error) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.issues.map((i) => i.question)).toContain(test.expect.error);
      return;
    }
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    if (test.expect.urgency !== undefined) expect(result.outcome.urgency).toBe(test.expect.urgency);
    if (test.expect.score !== undefined) expect(result.outcome.score).toBe(test.expect.score);
    if (test.expect.band !== undefined) expect(result.outcome.band).toBe(test.expect.band);
    if (test.expect.reasons !== undefined)
      expect([...result.outcome.reasons].sort()).toEqual([...test.expect.reasons].sort());
  });
});

describe('the questionnaires of shared docs/screening.md', () => {
  it('are all there, each with enough test vectors', () => {
    const ids = content.questionnaires.map((q) => q.id).sort();
    for (const id of ['hypertension-bp', 'newborn-danger-signs', 'child-danger-signs', 'hiv-adherence']) {
      expect(ids).toContain(id);
    }
    for (const q of content.questionnaires) expect(q.tests.length, q.id).toBeGreaterThanOrEqual(8);
  });
});
