/** `npx tsx bench/only-search.ts`: the search benchmarks alone. */
import { searchBench } from './search.js';
import { formatQuality } from './search-quality.js';

const result = await searchBench();
process.stdout.write(
  `${formatQuality(result.quality)}\n${JSON.stringify({ ...result, quality: undefined }, null, 2)}\n`,
);
