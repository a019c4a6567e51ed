/**
 * Global setup of the e2e project: one moto_server per worker, shared by the files that worker runs one after
 * another. Starting moto and loading its AWS managed policies costs ~2 s per server; useAwsFixture() empties it
 * between tests anyway. Two workers never share a server, so one file's clean-up cannot empty another's IAM.
 */
import type {TestProject} from 'vitest/node';
import {startMoto} from './moto.js';
import {e2eWorkers} from './workers.js';

declare module 'vitest' {
	export interface ProvidedContext {
		/** One moto_server endpoint per worker (VITEST_POOL_ID 1…n); useAwsFixture() connects to its own. */
		motoEndpoints: string[];
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const motos = await Promise.all(Array.from({length: e2eWorkers}, () => startMoto()));
	project.provide('motoEndpoints', motos.map(moto => moto.endpoint));
	return async () => {
		await Promise.all(motos.map(moto => moto.stop()));
	};
}
