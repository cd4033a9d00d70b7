import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 120_000,
    env: { TZ: 'Africa/Johannesburg', LOG_LEVEL: 'silent' },
  },
});
