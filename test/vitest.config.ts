import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		root: new URL('..', import.meta.url).pathname,
		// Two cores here. The e2e project takes one worker, the unit and screen tests share the other.
		maxWorkers: 2,
		testTimeout: 60_000,
		hookTimeout: 60_000,
		env: {FORCE_COLOR: '0'},
		// The JSON report lets .ci/run print a plain "N passed, N failed" line.
		reporters: ['default', 'json'],
		outputFile: {json: '.tmp/test-results.json'},
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					// Pure code and ink-testing-library screens: no processes, so files run in parallel.
					include: ['test/unit/**/*.test.{ts,tsx}', 'test/ui/**/*.test.{ts,tsx}'],
				},
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					// CLI processes, terminals and moto requests: one file at a time, so a file's waits never compete
					// with another file's CPU-heavy work, and the files can share one moto_server.
					include: ['test/e2e/**/*.test.ts', 'test/support/**/*.test.ts'],
					fileParallelism: false,
					// One moto_server for all of them, emptied before each test by useAwsFixture().
					globalSetup: ['test/support/global-moto.ts'],
				},
			},
		],
	},
});
