import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		root: new URL('..', import.meta.url).pathname,
		include: ['test/**/*.test.{ts,tsx}'],
		// Two cores here: moto servers and terminals per file are heavy, so files run two at a time.
		maxWorkers: 2,
		testTimeout: 60_000,
		hookTimeout: 60_000,
		env: {FORCE_COLOR: '0'},
		// The JSON report lets .ci/run print a plain "N passed, N failed" line.
		reporters: ['default', 'json'],
		outputFile: {json: '.tmp/test-results.json'},
	},
});
