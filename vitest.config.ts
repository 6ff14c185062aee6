import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// NestJS DI reads constructor types from decorator metadata, which esbuild/oxc
// don't emit; swc does.
const nest = swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2022' } });

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [nest],
        test: { name: 'unit', include: ['backend/src/**/*.spec.ts', 'frontend/src/**/*.spec.ts'] },
      },
      {
        plugins: [nest],
        test: {
          name: 'integration',
          include: ['backend/test/integration/**/*.spec.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [nest],
        test: {
          name: 'e2e',
          include: ['backend/test/e2e/**/*.spec.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['frontend/tests/**/*.spec.ts'],
          globalSetup: ['frontend/tests/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One Chromium and one api+web pair; files run one after another.
          fileParallelism: false,
        },
      },
    ],
  },
});
