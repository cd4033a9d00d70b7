import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { loadTranscript, runTranscript } from './support/transcript.js';

const dir = join(import.meta.dirname, 'transcripts');

describe('golden transcripts', () => {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const transcript = loadTranscript(join(dir, file));
    it(`${file}: ${transcript.title}`, () => runTranscript(transcript));
  }
});
