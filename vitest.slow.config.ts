import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 120_000,
    env: { TZ: 'Africa/Johannesburg', LOG_LEVEL: 'silent' },
  },
});
