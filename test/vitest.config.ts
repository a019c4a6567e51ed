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
	},
});
