import {describe, expect, test} from 'vitest';
import {ProblemError} from '../../source/core/problem.js';
import {WizardSession} from '../../source/engine/session.js';
import type {AwsOperations} from '../../source/engine/ports.js';
import {defaultAnswer, initialState, isFinalStep} from '../../source/engine/wizard.js';
import {fakeAws, memoryStore, type AwsOverrides} from '../support/fake-aws.js';

function session(overrides: AwsOverrides = {}, store = memoryStore()) {
	const calls: string[] = [];
	const aws = fakeAws(undefined, overrides);
	const counted: AwsOperations = {
		...aws,
		role: {
			...aws.role,
			converge: (...args) => (calls.push('converge'), aws.role.converge(...args)),
			verify: (...args) => (calls.push('verify'), aws.role.verify(...args)),
		},
	};
	const now = () => new Date('2026-11-23T10:00:00.000Z');
	return {calls, store, session: new WizardSession(initialState({}, now().toISOString(), {setupId: 'setup-1'}), {aws: counted, store, now})};
}

/** Answers each question with its default until the review. */
async function toReview(current: WizardSession): Promise<void> {
	await current.start();
	while (current.state.step !== 'review' && !isFinalStep(current.state.step)) {
		await current.send(defaultAnswer(current.state, '2026-11-23T10:00:00.000Z'));
	}
}

describe('WizardSession', () => {
	test('two answers in one tick at the review run converge and verify once', async () => {
		const {session: current, calls} = session();
		await toReview(current);
		await Promise.all([current.send({type: 'review-answered', create: true}), current.send({type: 'review-answered', create: true})]);
		expect(current.state.step).toBe('done');
		expect(calls).toEqual(['converge', 'verify']);
	});

	test('saves after every event: the record on disk follows each answer and each write', async () => {
		const {session: current, store} = session();
		await toReview(current);
		expect(store.saves.at(-1)).toMatchObject({step: 'review', setupId: 'setup-1', changes: []});
		await current.send({type: 'review-answered', create: true});
		const actions = store.saves.map(saved => saved.changes.length);
		// Each write was saved the moment it succeeded: 1, 2, 3 writes appear as separate saves.
		expect(actions).toEqual(expect.arrayContaining([1, 2, 3]));
		expect(store.saves.at(-1)).toMatchObject({finished: true});
	});

	test('an effect that throws ends the run as a described failure, never a crash', async () => {
		const problem = {title: 'boom', why: 'why', next: 'next'};
		const {session: current} = session({role: {verify: async () => Promise.reject(new ProblemError(problem))}});
		await toReview(current);
		await current.send({type: 'review-answered', create: true});
		expect(current.state).toMatchObject({step: 'failed', problem, resumeStep: 'verify'});
	});

	test('a progress store that cannot save ends the run at once', async () => {
		const store = {...memoryStore(), save: () => { throw new ProblemError({title: 'billing-setup cannot save its progress.', why: 'disk', next: 'fix'}); }};
		const {session: current} = session({}, store as never);
		await current.start();
		expect(current.state).toMatchObject({step: 'failed', problem: {title: 'billing-setup cannot save its progress.'}});
	});
});
