import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {ProblemError} from '../../source/core/problem.js';
import {defaultSettings} from '../../source/core/settings.js';
import type {SavedSetup} from '../../source/engine/wizard.js';
import {openProgressStore} from '../../source/progress/store.js';
import {tempConfigHome} from '../support/cli.js';

function setup(accountId: string, overrides: Partial<SavedSetup> = {}): SavedSetup {
	const at = '2026-11-23T10:00:00.000Z';
	return {accountId, callerArn: `arn:aws:iam::${accountId}:user/a`, step: 'mfa', finished: false, settings: defaultSettings, changes: [], startedAt: at, updatedAt: at, ...overrides};
}

function storeIn(directory = tempConfigHome()) {
	return {directory, store: openProgressStore({cwd: directory})};
}

describe('progress store', () => {
	test('keeps one record per account', () => {
		const {store} = storeIn();
		store.save(setup('111111111111'));
		store.save(setup('222222222222', {step: 'review'}));
		store.save(setup('111111111111', {step: 'create'}));
		expect(store.load('111111111111')?.step).toBe('create');
		expect(store.load('222222222222')?.step).toBe('review');
		expect(store.load('333333333333')).toBeUndefined();
		expect(store.list().map(saved => saved.accountId).sort()).toEqual(['111111111111', '222222222222']);
	});

	test('the file is readable by its owner only', () => {
		const {store} = storeIn();
		store.save(setup('111111111111'));
		expect(statSync(store.path).mode & 0o777).toBe(0o600);
	});

	test('forget one account or all', () => {
		const {store} = storeIn();
		store.save(setup('111111111111'));
		store.save(setup('222222222222'));
		expect(store.forget('111111111111')).toBe(true);
		expect(store.forget('111111111111')).toBe(false);
		expect(store.list()).toHaveLength(1);
		expect(store.forgetAll()).toBe(1);
		expect(store.list()).toEqual([]);
	});

	test.each([
		['half-written JSON', '{"version":1,"setups":{"1111'],
		['not JSON at all', 'hello'],
		['a future format', '{"version":99,"setups":{}}'],
		['setups of the wrong type', '{"version":1,"setups":"oops"}'],
	])('%s is kept as a copy and the store starts fresh', (_name, content) => {
		const directory = tempConfigHome();
		writeFileSync(path.join(directory, 'progress.json'), content);
		const store = openProgressStore({cwd: directory});
		expect(store.recovered?.copy).toMatch(/progress\.json\.corrupt-\d+$/);
		expect(readFileSync(store.recovered!.copy, 'utf8')).toBe(content);
		expect(store.list()).toEqual([]);
		store.save(setup('111111111111'));
		expect(openProgressStore({cwd: directory}).load('111111111111')).toBeDefined();
	});

	test('a hand-edited record missing what resume needs is ignored, the rest kept', () => {
		const directory = tempConfigHome();
		const good = setup('111111111111');
		writeFileSync(path.join(directory, 'progress.json'), JSON.stringify({version: 1, setups: {'111111111111': good, '222222222222': {accountId: '222222222222'}}}));
		const store = openProgressStore({cwd: directory});
		expect(store.recovered).toBeUndefined();
		expect(store.load('222222222222')).toBeUndefined();
		expect(store.list()).toEqual([good]);
	});

	test('an unwritable config directory is a clear problem, not a crash', () => {
		const directory = tempConfigHome();
		// A file where the directory should be fails even for root, unlike chmod.
		writeFileSync(path.join(directory, 'blocked'), '');
		const open = () => openProgressStore({cwd: path.join(directory, 'blocked', 'billing-setup')});
		expect(open).toThrow(ProblemError);
		try {
			open();
		} catch (error) {
			expect((error as ProblemError).problem.title).toBe('billing-setup cannot save its progress.');
			expect((error as ProblemError).problem.next).toMatch(/writable/);
		}
	});

	test('writes leave no temporary files behind', () => {
		const {directory, store} = storeIn();
		for (let index = 0; index < 5; index++) store.save(setup('111111111111', {updatedAt: String(index)}));
		mkdirSync(directory, {recursive: true});
		expect(readdirSync(directory)).toEqual(['progress.json']);
	});
});
