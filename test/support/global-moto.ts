/**
 * Global setup of the e2e project: one moto_server for all its files, which run one at a time. Starting moto and
 * loading its AWS managed policies costs ~2 s per server; useAwsFixture() empties it between tests anyway.
 */
import type {TestProject} from 'vitest/node';
import {startMoto} from './moto.js';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The shared moto_server's endpoint; useAwsFixture() connects to it instead of starting its own. */
		motoEndpoint: string;
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const moto = await startMoto();
	project.provide('motoEndpoint', moto.endpoint);
	return () => moto.stop();
}
