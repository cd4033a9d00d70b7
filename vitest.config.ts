import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.slow.test.ts'],
    testTimeout: 20_000,
    env: { TZ: 'Africa/Johannesburg', LOG_LEVEL: 'silent' },
  },
});
