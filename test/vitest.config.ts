import {defineConfig} from 'vitest/config';
import {e2eWorkers} from './support/workers.js';

export default defineConfig({
	test: {
		root: new URL('..', import.meta.url).pathname,
		// Two cores here: two workers, shared by the unit and e2e projects.
		maxWorkers: e2eWorkers,
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
					// CLI processes, terminals and moto requests. Waits are by count and by output, never by the
					// clock, so two files at once hold up under load; each worker has its own moto_server.
					include: ['test/e2e/**/*.test.ts', 'test/support/**/*.test.ts'],
					// One moto_server per worker, emptied before each test by useAwsFixture().
					globalSetup: ['test/support/global-moto.ts'],
				},
			},
		],
	},
});
