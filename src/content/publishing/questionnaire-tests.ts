import { CompiledQuestionnaire } from '../../screening/questionnaire-engine.js';
import type { Questionnaire } from '../../screening/schema.js';
import type { Preview } from './types.js';

/**
 * Runs a questionnaire's own test cases with the engine the chat uses (as `content validate` does) and names the
 * cases that fail. A questionnaire whose expressions do not compile fails every case.
 */
export function runQuestionnaireTests(q: Questionnaire): Preview['tests'][number] {
  let failures: string[];
  try {
    failures = new CompiledQuestionnaire(q).selfTest();
  } catch {
    return { questionnaire: q.id, passed: 0, failed: q.tests.map((t) => t.name) };
  }
  // selfTest reports `"<name>": <what went wrong>`, one line per problem.
  const failed = q.tests
    .map((t) => t.name)
    .filter((name) => failures.some((f) => f.startsWith(`"${name}":`)));
  return { questionnaire: q.id, passed: q.tests.length - failed.length, failed };
}
