import {describe, expect, test, vi} from 'vitest';
import {billingActions, type AccountContext} from '../../source/core/account.js';
import {classifyCaller} from '../../source/core/principal.js';
import {ProblemError} from '../../source/core/problem.js';
import {defaultSettings, type RoleSettings} from '../../source/core/settings.js';
import {WizardSession} from '../../source/engine/session.js';
import type {AwsOperations} from '../../source/engine/ports.js';
import {initialState, trailOf, type SavedSetup} from '../../source/engine/wizard.js';
import {App} from '../../source/ui/app.js';
import {formatNotNeeded} from '../../source/present.js';
import {alice, fakeAws, memoryStore} from '../support/fake-aws.js';
import {keys, renderScreen} from '../support/ink.js';


async function start(aws: AwsOperations, store = memoryStore(), presets: Partial<RoleSettings> = {}) {
	const session = new WizardSession(initialState(presets, new Date().toISOString(), {setupId: 'setup-1'}), {aws, store});
	const onInterrupt = vi.fn();
	const screen = await renderScreen(<App session={session} onInterrupt={onInterrupt} />);
	return {session, store, screen, onInterrupt};
}

const prompts = [
	'Is IAM access to billing activated?',
	'People switch to this role',
	'What may the role do?',
	'Add Cost Explorer reports',
	'Who may switch to the role?',
	'Require MFA',
	'How long may one switched session last?',
	'Create it now?',
];

describe('the wizard', () => {
	test('Enter at every screen ends with a verified role and the trail of answers', async () => {
		const {screen, store, session} = await start(fakeAws());
		for (const prompt of prompts) {
			await screen.waitFor(prompt);
			await screen.press(keys.enter, () => !screen.frame().includes(prompt) || session.state.step === 'done');
		}
		const frame = await screen.waitFor('BillingAccess is ready.');
		expect(frame).toContain('Verified: switched to it as arn:aws:iam::123456789012:role/BillingAccess/session');
		expect(frame).toContain('✔ Role name: BillingAccess');
		expect(frame).toContain('✔ Longest session: 1 h');
		// Progress was saved after every step, and the last record is the finished setup.
		expect(store.saves.length).toBeGreaterThanOrEqual(prompts.length + 2);
		expect(store.saves.at(-1)).toMatchObject({finished: true, changes: [{action: 'iam:CreateRole'}, {action: 'iam:PutRolePolicy'}, {action: 'iam:PutRolePolicy'}, {action: 'iam:AttachRolePolicy'}]});
	});

	test('the header says where you are and in which account', async () => {
		const {screen} = await start(fakeAws());
		const frame = await screen.waitFor('Is IAM access');
		expect(frame).toContain('Step 2 of 6 · Root activation · account 123456789012');
		expect(frame).toContain('You are the IAM user alice in account 123456789012 (aws)');
	});

	test('a root caller is warned about root keys and told the switch check will be skipped', async () => {
		const root = classifyCaller('arn:aws:iam::123456789012:root', '123456789012');
		const {screen} = await start(fakeAws(root));
		const frame = await screen.waitFor('Is IAM access');
		expect(frame).toContain('Root access keys can do anything');
		expect(frame).toContain('The root user cannot switch roles');
	});

	const admin: AccountContext = {organization: {kind: 'standalone'}, callerAccess: {method: 'simulated', checked: billingActions, allowed: billingActions, denied: []}};

	test('the seed’s administrator, Enter only: AWS is asked, answers that Billing is open, and nothing is written', async () => {
		const converge = vi.fn();
		const checkBillingAccess = vi.fn(async () => ({state: 'active' as const, checkedAs: alice.arn, at: new Date().toISOString()}));
		const {screen, session} = await start(fakeAws(alice, {inspectAccount: async () => admin, role: {converge}, checkBillingAccess}));
		const frame = await screen.waitFor('Is IAM access');
		expect(frame).toContain('Not in an AWS Organization');
		expect(frame.replaceAll('\n', ' ')).toContain('after the root step you can open Billing yourself');
		expect(frame).toContain('❯ Done, or not sure: ask AWS now as you (one Cost Explorer request, USD 0.01)');
		await screen.press(keys.enter, () => screen.frame().includes('Anything else?'));
		expect(screen.frame().replaceAll('\n', ' ')).toContain('✔ Root activation: IAM access to billing is on: Cost Explorer answered user/alice');
		await screen.press(keys.enter);
		await screen.waitFor('Nothing was written to AWS.');
		expect(session.state.step).toBe('not-needed');
		expect(checkBillingAccess).toHaveBeenCalledTimes(1);
		expect(converge).not.toHaveBeenCalled();
	});

	test('AWS answers that the setting is off: check again asks once more, and its answer is the one shown', async () => {
		const answers = [
			{state: 'off' as const, checkedAs: alice.arn, at: new Date().toISOString()},
			{state: 'active' as const, checkedAs: alice.arn, at: new Date().toISOString()},
		];
		const checkBillingAccess = vi.fn(async () => answers.shift()!);
		const {screen, session} = await start(fakeAws(alice, {inspectAccount: async () => admin, checkBillingAccess}));
		await screen.waitFor('Is IAM access');
		await screen.press(keys.enter, () => screen.frame().includes('What now?'));
		expect(screen.frame().replaceAll('\n', ' ')).toContain('✔ Root activation: IAM access to billing is off: Cost Explorer refused user/alice with “IAM user access not activated”');
		expect(screen.frame()).toContain('❯ Check again (one Cost Explorer request, USD 0.01)');
		await screen.press(keys.enter, () => screen.frame().includes('Anything else?'));
		expect(checkBillingAccess).toHaveBeenCalledTimes(2);
		expect(session.state.activationCheck?.state).toBe('active');
	});

	test('a caller whose own policies allow billing may also end at the root step without asking AWS, and the steps stay on screen', async () => {
		const converge = vi.fn();
		const checkBillingAccess = vi.fn();
		const {screen, session} = await start(fakeAws(alice, {inspectAccount: async () => admin, role: {converge}, checkBillingAccess}));
		await screen.waitFor('Is IAM access');
		await screen.press(keys.down, () => screen.frame().includes('❯ Not yet: create the role anyway'));
		await screen.press(keys.down, () => screen.frame().includes('❯ Stop here'));
		await screen.press(keys.down, () => screen.frame().includes('❯ I only need Billing myself'));
		await screen.press(keys.enter);
		await screen.waitFor('Nothing was written to AWS.');
		expect(session.state.step).toBe('not-needed');
		expect(formatNotNeeded('aws', undefined)).toContain('Tick “Activate IAM Access” and choose Update');
		expect(checkBillingAccess).not.toHaveBeenCalled();
		expect(converge).not.toHaveBeenCalled();
	});

	test('without billing in the caller’s own policies, ending at the root step is not offered', async () => {
		const {screen} = await start(fakeAws());
		const frame = await screen.waitFor('Is IAM access');
		expect(frame).toContain('Your own policies do not allow billing:GetBillingData');
		expect(frame).not.toContain('I only need Billing myself');
	});

	test('where Identity Center has people, a permission set can be chosen, assigned from a picker, reviewed and made', async () => {
		const people = [{type: 'GROUP' as const, name: 'Finance'}, {type: 'USER' as const, name: 'bob'}];
		const {screen, store, session} = await start(fakeAws(alice, {}, {people}));
		await screen.waitFor('Is IAM access');
		await screen.press(keys.enter, () => screen.frame().includes('How should people get billing access?'));
		expect(screen.frame()).toContain('IAM Identity Center has groups and users (2 found)');
		// An IAM user is offered the role first; the permission set is one down.
		await screen.press(keys.down, () => screen.frame().includes('❯ An IAM Identity Center permission set'));
		await screen.press(keys.enter, () => screen.frame().includes('Permission set name'));
		await screen.press(keys.enter, () => screen.frame().includes('What may the permission set do?'));
		await screen.press(keys.enter, () => screen.frame().includes('Add Cost Explorer reports'));
		await screen.press(keys.enter, () => screen.frame().includes('Choose who gets the permission set'));
		expect(screen.frame()).toContain('☐ group:Finance');
		await screen.press(keys.space, () => screen.frame().includes('☑ group:Finance'));
		await screen.press(keys.enter, () => screen.frame().includes('How long may one session last?'));
		await screen.press(keys.enter, () => screen.frame().includes('Create it now?'));
		const review = screen.frame();
		expect(review).toContain('Permission set BillingAccess in account 123456789012, assigned to group:Finance');
		expect(review).toContain('In Identity Center now: the permission set');
		expect(review).toContain('Change · Assigned to: group:Finance');
		expect(review).not.toContain('Who may switch');
		await screen.press(keys.enter);
		await screen.waitFor('BillingAccess is ready.');
		expect(session.state.step).toBe('done');
		expect(store.saves.at(-1)).toMatchObject({
			finished: true,
			settings: {via: 'identity-center', assignees: [{type: 'GROUP', name: 'Finance'}]},
			changes: expect.arrayContaining([expect.objectContaining({action: 'sso:CreatePermissionSet'}), expect.objectContaining({action: 'sso:CreateAccountAssignment'})]),
		});
		expect(trailOf(session.state)).toContain('Billing access through: an IAM Identity Center permission set');
		expect(trailOf(session.state)).toContain('Assigned to: group:Finance');
	});

	test('with --accounts, the review names the accounts the permission set goes to', async () => {
		const people = [{type: 'GROUP' as const, name: 'Finance'}];
		const accounts = {kind: 'listed' as const, ids: ['123456789012', '111111111111']};
		const {screen} = await start(fakeAws(alice, {}, {people}), memoryStore(), {via: 'identity-center', assignees: people, accounts});
		await screen.waitFor('Is IAM access');
		for (const next of ['Permission set name', 'What may the permission set do?', 'Add Cost Explorer reports', 'Choose who gets the permission set', 'How long may one session last?', 'Create it now?']) {
			await screen.press(keys.enter, () => screen.frame().includes(next));
		}
		expect(screen.frame()).toContain('Permission set BillingAccess in accounts 123456789012, 111111111111, assigned to group:Finance');
	});

	test('unfinished progress for this account is offered for resume first', async () => {
		const saved: SavedSetup = {
			setupId: 'setup-1', accountId: '123456789012', callerArn: alice.arn, step: 'mfa', finished: false, activation: 'confirmed',
			settings: {...defaultSettings, roleName: 'Finance'}, changes: [], startedAt: 'then', updatedAt: 'then',
		};
		const {screen} = await start(fakeAws(), memoryStore([saved]));
		await screen.waitFor('An unfinished setup was saved for this account.');
		await screen.press(keys.enter);
		const frame = await screen.waitFor('Require MFA');
		expect(frame).toContain('✔ Role name: Finance');
		expect(frame).toContain('✔ Root activation: you said IAM access to billing is on (not checked)');
	});

	test('an expected failure is one screen: what, why, next; progress kept', async () => {
		const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:AttachRolePolicy'), {
			name: 'AccessDenied',
			action: 'iam:AttachRolePolicy',
		});
		const {screen, session} = await start(fakeAws(alice, {role: {converge: async () => Promise.reject(denied)}}));
		for (const prompt of prompts) {
			await screen.waitFor(prompt);
			await screen.press(keys.enter, () => !screen.frame().includes(prompt) || session.state.step === 'failed');
		}
		const frame = await screen.waitFor('✖');
		expect(frame).toContain('arn:aws:iam::123456789012:user/alice (IAM user) is not allowed to call iam:AttachRolePolicy.');
		expect(frame).toContain('Next: Grant iam:AttachRolePolicy');
		expect(frame).toContain('Progress saved: run billing-setup again to resume.');
		expect(frame).not.toMatch(/^\s+at /m);
	});

	test('CreateRole denied offers a permissions boundary; the ARN typed is used for the next try', async () => {
		const denied = Object.assign(new Error('not authorized to perform: iam:CreateRole'), {name: 'AccessDenied', action: 'iam:CreateRole'});
		const tries: Array<string | undefined> = [];
		const aws = fakeAws();
		const {screen, session} = await start({
			...aws,
			role: {
				...aws.role,
				async converge(plan, record, options) {
					tries.push(plan.permissionsBoundary);
					if (tries.length === 1) throw denied;
					return aws.role.converge(plan, record, options);
				},
			},
		});
		for (const prompt of prompts) {
			await screen.waitFor(prompt);
			await screen.press(keys.enter, () => !screen.frame().includes(prompt) || session.state.step === 'boundary');
		}
		await screen.waitFor('Does your organisation require a permissions boundary');
		for (const character of 'arn:aws:iam::123456789012:policy/Boundary') await screen.press(character);
		await screen.press(keys.enter, () => session.state.step !== 'boundary');
		await screen.waitFor('Create it now?');
		await screen.press(keys.enter, () => session.state.step === 'done');
		expect(tries).toEqual([undefined, 'arn:aws:iam::123456789012:policy/Boundary']);
	});

	test('a failure before the account is known says nothing was saved', async () => {
		const problem = {title: 'No AWS credentials were found.', why: 'why', next: 'Run `aws configure`'};
		const {screen} = await start(fakeAws(alice, {whoAmI: async () => Promise.reject(new ProblemError(problem))}));
		const frame = await screen.waitFor('No AWS credentials were found.');
		expect(frame).toContain('Next: Run `aws configure`');
		expect(frame).toContain('Nothing was saved');
	});

	test('Ctrl+C asks the runner to stop', async () => {
		const {screen, onInterrupt} = await start(fakeAws());
		await screen.waitFor('Is IAM access');
		await screen.press(keys.ctrlC, () => onInterrupt.mock.calls.length > 0);
		expect(onInterrupt).toHaveBeenCalledOnce();
	});

	test('while AWS works a spinner says what it waits for', async () => {
		let release!: () => void;
		const slow = new Promise<void>(resolve => (release = resolve));
		const {screen} = await start(fakeAws(alice, {whoAmI: async () => (await slow, alice)}));
		expect(await screen.waitFor('Asking AWS who you are…')).toContain('Step 1 of 6 · Identity');
		release();
		await screen.waitFor('Is IAM access');
	});
});
