import { defineConfig } from 'vitest/config';

// CI asks for a JSON report beside the usual output, to print its own pass/fail count.
const jsonReport = process.env.IDLEDGER_TEST_REPORT;

export default defineConfig({
  resolve: { conditions: ['@idledger/source'] },
  ssr: { resolve: { conditions: ['@idledger/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
  },
});
