import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@idledger/source'] },
  ssr: { resolve: { conditions: ['@idledger/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
  },
});
