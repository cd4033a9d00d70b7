import type { Country, NumberKind } from '../../teams/countries.js';
import type { ContentSet } from '../content-set.js';
import type { DangerSigns } from '../schemas.js';
import { questionnaireLogicChanges } from './logic-diff.js';
import type { ClinicalChange, LogicChange } from './types.js';
import { differingPlaces, sameData } from './value-diff.js';

/** A few places in a line, then how many more. */
const some = (places: string[], shown = 3): string =>
  places.slice(0, shown).join(', ') + (places.length > shown ? ` +${places.length - shown}` : '');

/**
 * The changes that go live only after a clinician approves them: a questionnaire's logic (an added or removed
 * questionnaire included), the danger signs (anything but their review record), and a country's emergency numbers
 * (a country added or removed with numbers included). Wording, translations and everything else can go live at once.
 */
export function clinicalChanges(
  live: ContentSet,
  next: ContentSet,
  logic: LogicChange[] = questionnaireLogicChanges(live, next),
): ClinicalChange[] {
  return [
    ...questionnaireChanges(logic, live, next),
    ...dangerSignChanges(live.dangerSigns[0], next.dangerSigns[0]),
    ...numberChanges(live.countries, next.countries),
  ];
}

function questionnaireChanges(logic: LogicChange[], live: ContentSet, next: ContentSet): ClinicalChange[] {
  const version = (c: ContentSet, id: string) => c.questionnaires.find((q) => q.id === id)?.version;
  const groups = new Map<string, LogicChange[]>();
  for (const change of logic) {
    const key = `${change.questionnaire}@${change.archived ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  return [...groups.values()].map((changes) => {
    const first = changes[0] as LogicChange;
    const id = first.questionnaire;
    const was = version(live, id);
    const now = version(next, id);
    let detail: string;
    if (first.archived !== undefined) detail = `v${first.archived}: ${some(changes.map((c) => c.place))}`;
    else if (was === undefined || now === undefined)
      detail = `${was ? `v${was}` : '–'} → ${now ? `v${now}` : '–'}`;
    else detail = some(changes.map((c) => c.place));
    return { kind: 'questionnaire-logic', id, detail };
  });
}

function dangerSignChanges(
  before: DangerSigns | undefined,
  after: DangerSigns | undefined,
): ClinicalChange[] {
  const content = (d: DangerSigns | undefined) => d && { ...d, review: undefined };
  if (sameData(content(before), content(after))) return [];
  const detail =
    before && after
      ? some(differingPlaces(before, after, { skip: ['review'] }), 5)
      : `signs: ${before?.signs.length ?? '–'} → ${after?.signs.length ?? '–'}`;
  return [{ kind: 'danger-signs', id: 'danger-signs', detail }];
}

/**
 * What a country's numbers reach, in the order shown: a number and its kind. A source re-checked or a service
 * described better is not a new number.
 */
const dialled = (c: Country | undefined) =>
  (c?.numbers ?? []).map((n) => ({ number: n.number, kind: n.kind }));

function numberChanges(live: Country[], next: Country[]): ClinicalChange[] {
  const codes = [...new Set([...next, ...live].map((c) => c.code))].sort();
  const changes: ClinicalChange[] = [];
  for (const code of codes) {
    const before = dialled(live.find((c) => c.code === code));
    const after = dialled(next.find((c) => c.code === code));
    if (sameData(before, after)) continue;
    changes.push({ kind: 'emergency-number', id: code, detail: numbersDetail(before, after) });
  }
  return changes;
}

/** "police: 999 → 112; ambulance: – → 991", or the order when only that changed. */
function numbersDetail(
  before: { number: string; kind: NumberKind }[],
  after: { number: string; kind: NumberKind }[],
): string {
  const of = (list: typeof before, kind: NumberKind) =>
    list
      .filter((n) => n.kind === kind)
      .map((n) => n.number)
      .join(', ') || '–';
  const kinds = [...new Set([...after, ...before].map((n) => n.kind))];
  const parts = kinds
    .filter((k) => of(before, k) !== of(after, k))
    .map((k) => `${k}: ${of(before, k)} → ${of(after, k)}`);
  if (parts.length > 0) return parts.join('; ');
  const order = (list: typeof before) => list.map((n) => n.number).join(', ');
  return `${order(before)} → ${order(after)}`;
}
