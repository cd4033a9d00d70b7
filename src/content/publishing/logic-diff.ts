import type { Question, Questionnaire } from '../../screening/schema.js';
import type { ContentSet } from '../content-set.js';
import type { LogicChange } from './types.js';

/** An expression as one line: re-wrapping a long rule in YAML is not a change. */
const expr = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Option ids, with the number an option stands for where it has one (`several_days=1`). */
const optionList = (q: Question): string | null =>
  q.type === 'choice' || q.type === 'multi'
    ? q.options.map((o) => (o.value === undefined ? o.id : `${o.id}=${o.value}`)).join(', ')
    : null;

/**
 * What decides a questionnaire's outcome, by place: question types, options, ranges, skips and checks, computed
 * values, the score, bands, rules, notes' conditions and the version. Texts (the English wording in the main file,
 * units, advice) are not logic: they are read, not evaluated. Places name ids, not positions, so adding a rule does
 * not shift every later one.
 */
export function logicPlaces(q: Questionnaire): Map<string, string> {
  const places = new Map<string, string>();
  const put = (place: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined) places.set(place, value);
  };
  put('version', String(q.version));
  for (const question of q.questions) {
    const at = `questions.${question.id}`;
    put(`${at}.type`, question.type);
    put(`${at}.askIf`, question.askIf && expr(question.askIf));
    question.checks.forEach((c, i) => {
      put(`${at}.checks[${i}]`, expr(c.when));
    });
    if (question.type === 'number') {
      put(`${at}.min`, String(question.min));
      put(`${at}.max`, String(question.max));
      put(`${at}.integer`, String(question.integer));
    }
    put(`${at}.options`, optionList(question));
  }
  for (const c of q.computed) put(`computed.${c.id}`, expr(c.expr));
  put('score.expr', q.score && expr(q.score.expr));
  put('score.when', q.score?.when && expr(q.score.when));
  // First match wins: the order of the bands is logic too.
  if (q.bands.length > 1) put('bands.order', q.bands.map((b) => b.id).join(', '));
  for (const b of q.bands) put(`bands.${b.id}.when`, expr(b.when));
  for (const r of q.rules) {
    put(`rules.${r.id}.when`, expr(r.when));
    put(`rules.${r.id}.urgency`, r.urgency);
  }
  for (const n of q.notes) put(`notes.${n.id}.when`, expr(n.when));
  return places;
}

/** Every logic place that differs between two versions of a questionnaire (either may be absent). */
export function logicDiff(
  id: string,
  before: Questionnaire | undefined,
  after: Questionnaire | undefined,
): LogicChange[] {
  const a = before ? logicPlaces(before) : new Map<string, string>();
  const b = after ? logicPlaces(after) : new Map<string, string>();
  const changes: LogicChange[] = [];
  for (const place of new Set([...b.keys(), ...a.keys()])) {
    const x = a.get(place) ?? null;
    const y = b.get(place) ?? null;
    if (x === y || (place === 'bands.order' && !reordered(x, y))) continue;
    changes.push({ questionnaire: id, place, before: x, after: y });
  }
  return changes;
}

/** Whether the bands both lists share come in another order (an added or removed band says enough on its own). */
function reordered(before: string | null, after: string | null): boolean {
  const x = before?.split(', ') ?? [];
  const y = after?.split(', ') ?? [];
  const common = (list: string[], other: string[]) => list.filter((id) => other.includes(id)).join();
  return common(x, y) !== common(y, x);
}

/**
 * The logic changes between two content sets: each current questionnaire (added and removed ones included), then
 * any version kept on both sides that now reads differently (an archived version edited, or the archived copy of
 * the live version differing from it), because stored screenings are re-read with the version they name.
 */
export function questionnaireLogicChanges(live: ContentSet, next: ContentSet): LogicChange[] {
  const current = (c: ContentSet) => new Map(c.questionnaires.map((q) => [q.id, q]));
  const before = current(live);
  const after = current(next);
  const ids = [...new Set([...after.keys(), ...before.keys()])].sort();
  const changes = ids.flatMap((id) => logicDiff(id, before.get(id), after.get(id)));

  const versions = (c: ContentSet) =>
    new Map(
      [...c.questionnaires, ...c.archivedQuestionnaires].map((q) => [
        `${q.id}@${q.version}`,
        { q, current: c.questionnaires.includes(q) },
      ]),
    );
  const kept = versions(live);
  for (const [key, now] of [...versions(next)].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const was = kept.get(key);
    // Both current: compared above.
    if (!was || (was.current && now.current)) continue;
    for (const change of logicDiff(now.q.id, was.q, now.q))
      changes.push({ ...change, archived: now.q.version });
  }
  return changes;
}
