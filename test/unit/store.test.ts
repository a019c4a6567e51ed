import {lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {ProblemError, type Problem} from '../../source/core/problem.js';
import {defaultSettings} from '../../source/core/settings.js';
import type {SavedSetup} from '../../source/engine/wizard.js';
import {openProgressStore} from '../../source/progress/store.js';
import {tempConfigHome} from '../support/cli.js';

function setup(accountId: string, overrides: Partial<SavedSetup> = {}): SavedSetup {
	const at = '2026-11-23T10:00:00.000Z';
	return {accountId, callerArn: `arn:aws:iam::${accountId}:user/a`, step: 'mfa', finished: false, settings: defaultSettings, changes: [], startedAt: at, updatedAt: at, ...overrides};
}

function problemOf(open: () => unknown): Problem {
	try {
		open();
	} catch (error) {
		if (error instanceof ProblemError) return error.problem;
		throw error;
	}
	throw new Error('expected a problem');
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
		expect(readFileSync(store.recovered!.copy!, 'utf8')).toBe(content);
		expect(store.list()).toEqual([]);
		store.save(setup('111111111111'));
		expect(openProgressStore({cwd: directory}).load('111111111111')).toBeDefined();
	});

	test('a record that breaks the rules is moved aside with the file, the valid ones kept', () => {
		const directory = tempConfigHome();
		const good = setup('111111111111');
		const content = JSON.stringify({version: 1, setups: {'111111111111': good, '222222222222': {accountId: '222222222222'}}});
		writeFileSync(path.join(directory, 'progress.json'), content);
		const store = openProgressStore({cwd: directory});
		expect(store.recovered?.reason).toBe('the saved setup for account 222222222222 is not valid (callerArn is not text)');
		expect(readFileSync(store.recovered!.copy!, 'utf8')).toBe(content);
		expect(store.list()).toEqual([good]);
		expect(openProgressStore({cwd: directory}).recovered).toBeUndefined();
	});

	test.each<[string, (record: any) => void, string]>([
		['a trust of "*"', record => (record.settings.trust = {kind: 'principals', arns: ['*']}), 'settings.trust.arns[0]: “*” is not an IAM principal ARN'],
		['a session AWS refuses', record => (record.settings.maxSessionSeconds = 99_999), 'settings.maxSessionSeconds: Session duration must be'],
		['a role name with escape sequences', record => (record.settings.roleName = 'Billing\u001B[2J'), 'settings.roleName holds control characters'],
		['a bogus step', record => (record.step = 'bogus'), 'step is not one of identity, inspect-account, resume'],
		['a final step', record => (record.step = 'done'), 'step is not one of'],
		['an account that is not 12 digits', record => (record.accountId = '1234'), 'accountId: An AWS account ID is exactly 12 digits.'],
		['a record filed under another account', record => (record.accountId = '999999999999'), 'it is filed under account 111111111111'],
		['a change without a target', record => (record.changes = [{action: 'iam:CreateRole', at: '2026-11-23T10:00:00.000Z'}]), 'changes[0].target is not text'],
		['a time with escape sequences', record => (record.updatedAt = '2026-11-23\u001B[2J'), 'updatedAt is not a time'],
		['settings that are not an object', record => (record.settings = 'full'), 'settings is not an object'],
		['accounts to run a command in', record => (record.settings.accounts = {kind: 'listed', ids: ['111111111111 $(touch pwned)']}), 'settings.accounts.ids[0]: An AWS account ID is exactly 12 digits.'],
		['accounts of an unknown kind', record => (record.settings.accounts = {kind: 'some'}), 'settings.accounts is neither'],
		['an assignee with escape sequences', record => (record.settings.assignees = [{type: 'GROUP', name: 'Fin\u001B]0;pwned\u0007'}]), 'settings.assignees[0].name holds control characters'],
		[
			'an MFA serial that adds a profile',
			record => (record.verification = {...{roleArn: 'arn:aws:iam::111111111111:role/BillingAccess', at: '2026-11-23T10:00:00.000Z'}, mfa: {userArn: 'arn:aws:iam::111111111111:user/a', serial: 'arn:aws:iam::111111111111:mfa/a\n[profile default]\ncredential_process = sh'}}),
			'verification.mfa.serial holds control characters',
		],
		['an MFA user that is a role', record => (record.verification = {...{roleArn: 'arn:aws:iam::111111111111:role/BillingAccess', at: '2026-11-23T10:00:00.000Z'}, mfa: {userArn: 'arn:aws:iam::111111111111:role/a', serial: 'arn:aws:iam::111111111111:mfa/a'}}), 'verification.mfa.userArn: “arn:aws:iam::111111111111:role/a” is not an IAM user ARN'],
		['a switch that names no session', record => (record.verification = {...{roleArn: 'arn:aws:iam::111111111111:role/BillingAccess', at: '2026-11-23T10:00:00.000Z'}, assumedAs: 'me'}), 'verification.assumedAs: “me” is not an assumed-role session ARN'],
		['a skip reason with escape sequences', record => (record.verification = {...{roleArn: 'arn:aws:iam::111111111111:role/BillingAccess', at: '2026-11-23T10:00:00.000Z'}, assumeSkipped: 'x\u001B[2J'}), 'verification.assumeSkipped holds control characters'],
		['a cost that is not an amount', record => (record.verification = {...{roleArn: 'arn:aws:iam::111111111111:role/BillingAccess', at: '2026-11-23T10:00:00.000Z'}, billingAccess: {state: 'active', at: '2026-11-23T10:00:00.000Z', cost: {start: '2026-11-01', end: '2026-12-01', amount: '1; rm', unit: 'USD', estimated: true}}}), 'verification.billingAccess.cost.amount is not an amount'],
		['a cost problem with escape sequences', record => (record.verification = {...{roleArn: 'arn:aws:iam::111111111111:role/BillingAccess', at: '2026-11-23T10:00:00.000Z'}, billingAccess: {state: 'unknown', at: '2026-11-23T10:00:00.000Z', reason: {title: 't\u009B2J', why: 'w', next: 'n'}}}), 'verification.billingAccess.reason.title holds control characters'],
		['a verified role that is not an ARN', record => (record.verification = {...{roleArn: 'arn:aws:iam::111111111111:role/BillingAccess', at: '2026-11-23T10:00:00.000Z'}, roleArn: 'BillingAccess'}), 'verification.roleArn: “BillingAccess” is not a role or permission set ARN'],
		['a change that names no action', record => (record.changes = [{action: 'CreateRole\u001B[2J', target: 'x', at: '2026-11-23T10:00:00.000Z'}]), 'changes[0].action is not an action'],
		['a caller that is not an ARN', record => (record.callerArn = 'me'), 'callerArn: “me” is not a caller ARN'],
	])('%s is not trusted', (_name, spoil, reason) => {
		const directory = tempConfigHome();
		const record: any = structuredClone(setup('111111111111'));
		spoil(record);
		writeFileSync(path.join(directory, 'progress.json'), JSON.stringify({version: 1, setups: {'111111111111': record}}));
		const store = openProgressStore({cwd: directory});
		expect(store.recovered?.reason).toContain(reason);
		expect(store.recovered?.reason).not.toMatch(/\u001B/);
		expect(store.load('111111111111')).toBeUndefined();
	});

	test('read-only (status) leaves an unusable file and an invalid record where they are', () => {
		for (const content of ['{"version":1,"setups":{"12', JSON.stringify({version: 1, setups: {'111111111111': setup('111111111111'), '222222222222': {accountId: '222222222222'}}})]) {
			const directory = tempConfigHome();
			writeFileSync(path.join(directory, 'progress.json'), content);
			const store = openProgressStore({cwd: directory, readOnly: true});
			expect(store.recovered?.reason).toBeDefined();
			expect(store.recovered?.copy).toBeUndefined();
			expect(readdirSync(directory)).toEqual(['progress.json']);
			expect(readFileSync(store.path, 'utf8')).toBe(content);
		}
	});

	test('everything a finished setup saves reads back as trusted', () => {
		const {directory, store} = storeIn();
		const finished = setup('111111111111', {
			finished: true,
			settings: {...defaultSettings, accounts: {kind: 'listed', ids: ['111111111111', '222222222222']}, assignees: [{type: 'GROUP', name: 'Finance & Ops'}]},
			policyCheck: {policyArn: 'arn:aws:iam::aws:policy/job-function/Billing', grantsDescribeReport: false},
			changes: [{action: 'iam:CreateRole', target: 'arn:aws:iam::111111111111:role/team/BillingAccess', role: 'arn:aws:iam::111111111111:role/team/BillingAccess', at: '2026-11-23T10:00:00.000Z'}],
			verification: {
				roleArn: 'arn:aws:iam::111111111111:role/team/BillingAccess',
				at: '2026-11-23T10:00:00.000Z',
				assumedAs: 'arn:aws:sts::111111111111:assumed-role/BillingAccess/billing-setup-verify',
				mfa: {userArn: 'arn:aws:iam::111111111111:user/a', serial: 'arn:aws:iam::111111111111:mfa/a-phone'},
				billingAccess: {
					state: 'active',
					checkedAs: 'arn:aws:sts::111111111111:assumed-role/BillingAccess/billing-setup-verify',
					at: '2026-11-23T10:00:00.000Z',
					cost: {start: '2026-11-01', end: '2026-12-01', amount: '12.3456', unit: 'USD', estimated: true},
				},
			},
		});
		store.save(finished);
		const again = openProgressStore({cwd: directory});
		expect(again.recovered).toBeUndefined();
		expect(again.load('111111111111')).toEqual(finished);
	});

	test('fields it does not know are tolerated, so a newer record still reads', () => {
		const {directory, store} = storeIn();
		const newer = {...setup('111111111111'), permissionSet: {name: 'Billing'}, settings: {...defaultSettings, guard: true}} as SavedSetup;
		store.save(newer);
		const again = openProgressStore({cwd: directory});
		expect(again.recovered).toBeUndefined();
		expect(again.load('111111111111')).toEqual(newer);
	});

	test('a symlink in place of the file is refused, and its target never written', () => {
		const directory = tempConfigHome();
		const target = path.join(tempConfigHome(), 'dotfiles.json');
		writeFileSync(target, '{"theme":"dark"}');
		symlinkSync(target, path.join(directory, 'progress.json'));
		expect(problemOf(() => openProgressStore({cwd: directory})).title).toBe('The progress file is a symbolic link; billing-setup does not follow it.');
		expect(readFileSync(target, 'utf8')).toBe('{"theme":"dark"}');
	});

	test('a link put in place after opening is not written through either', () => {
		const {directory, store} = storeIn();
		store.save(setup('111111111111'));
		const target = path.join(tempConfigHome(), 'other.json');
		writeFileSync(target, 'keep');
		rmSync(store.path);
		symlinkSync(target, store.path);
		expect(problemOf(() => store.save(setup('222222222222'))).title).toMatch(/symbolic link/);
		expect(readFileSync(target, 'utf8')).toBe('keep');
		expect(lstatSync(path.join(directory, 'progress.json')).isSymbolicLink()).toBe(true);
	});

	test('a directory in place of the file gets its own message', () => {
		const directory = tempConfigHome();
		mkdirSync(path.join(directory, 'progress.json'));
		const problem = problemOf(() => openProgressStore({cwd: directory}));
		expect(problem.title).toBe('There is a directory where the progress file should be.');
		expect(problem.next).not.toMatch(/writable/);
	});

	test('an oversized file is not read', () => {
		const directory = tempConfigHome();
		writeFileSync(path.join(directory, 'progress.json'), Buffer.alloc(2 * 1024 * 1024, ' '));
		const problem = problemOf(() => openProgressStore({cwd: directory}));
		expect(problem.title).toBe("The progress file is too large to be billing-setup's (2.0 MB).");
		expect(problem.next).toMatch(/mv .*progress\.json .*progress\.json\.bak/);
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
