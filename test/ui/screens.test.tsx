import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import type {RoleInspection} from '../../source/reconcile/role-resources.js';
import {classifyCaller} from '../../source/core/principal.js';
import {defaultSettings, type RoleSettings} from '../../source/core/settings.js';
import type {Verification} from '../../source/engine/ports.js';
import {initialState, paidCheckAfterWrites, reviewAnswers, type SavedSetup, type WizardEvent, type WizardState} from '../../source/engine/wizard.js';
import {FinishedScreen, ReviewScreen, Working} from '../../source/ui/screens/finish.js';
import {viewOf} from '../../source/made.js';
import {afterTheWrites} from '../../source/present.js';

import {AccessScreen, AssigneesScreen, CostExplorerScreen, MfaScreen, PrincipalsScreen, RoleNameScreen, SessionScreen, TrustScreen} from '../../source/ui/screens/settings.js';
import {ActivationScreen, IdentityDetails, ResumeScreen} from '../../source/ui/screens/start.js';
import {keys, renderScreen} from '../support/ink.js';

/** The view of a setup in account 123456789012, planned without a caller (as a dry run with --account). */
const viewFor = (settings: RoleSettings = defaultSettings, verification?: Verification) =>
	viewOf({accountId: '123456789012', partition: 'aws', settings, setupId: 'setup-1', changes: [], ...(verification && {verification})});

const identity = classifyCaller('arn:aws:iam::123456789012:user/alice', '123456789012');

function answers() {
	const events: WizardEvent[] = [];
	const onAnswer = vi.fn((event: WizardEvent) => events.push(event));
	return {events, onAnswer, answered: () => events.length > 0};
}

describe('root activation', () => {
	test('shows the console steps and says how the setting is known: Cost Explorer’s refusal, nothing else', async () => {
		const {onAnswer} = answers();
		const screen = await renderScreen(<ActivationScreen identity={identity} checkable={false} onAnswer={onAnswer} />);
		const frame = screen.lastFrame()!;
		expect(frame).toContain('https://console.aws.amazon.com/billing/home#/account');
		expect(frame).toContain('“IAM User and Role Access to Billing Information”, choose Edit');
		expect(frame).toContain('Tick “Activate IAM Access” and choose Update');
		expect(frame).toContain('No AWS API reads this setting, but Cost Explorer states it');
		expect(frame).toContain('“IAM user access not activated”');
		expect(frame).not.toMatch(/cannot check|verified/i);
		// A caller whose answer would say nothing is not offered the paid request.
		expect(frame).not.toContain('ask AWS now');
	});

	test.each([
		[[], 'not-yet'],
		[[keys.down], 'confirmed'],
		[[keys.down, keys.down], 'stop'],
	])('keys %j then Enter answer %s', async (moves, answer) => {
		const {events, onAnswer, answered} = answers();
		const screen = await renderScreen(<ActivationScreen identity={identity} checkable={false} onAnswer={onAnswer} />);
		for (const key of moves) await screen.press(key);
		await screen.press(keys.enter, answered);
		expect(events[0]).toMatchObject({type: 'activation-answered', answer});
	});
});

describe('resume offer', () => {
	const saved: SavedSetup = {
		setupId: 'setup-1', accountId: '123456789012', callerArn: identity.arn, step: 'review', finished: false,
		settings: {...defaultSettings, roleName: 'Finance'},
		changes: [{action: 'iam:CreateRole', target: 'r', at: 'then'}], startedAt: 'then', updatedAt: '2026-11-23T10:00:00.000Z',
	};

	test('says what was saved; Enter resumes, the other choice starts over', async () => {
		const first = answers();
		const screen = await renderScreen(<ResumeScreen saved={saved} onAnswer={first.onAnswer} />);
		// What it is, where it stopped and when, in words: no step ids, no ISO stamps.
		expect(screen.lastFrame()!.replace(/\s+/g, ' ')).toMatch(/The role Finance, stopped at the review (\d+ \w+ ago|just now); 1 change\(s\) already made in AWS/);
		const permissionSet = await renderScreen(<ResumeScreen saved={{...saved, settings: {...saved.settings, via: 'identity-center', permissionSetName: 'Auditors'}}} onAnswer={() => {}} />);
		expect(permissionSet.lastFrame()).toContain('The permission set Auditors, stopped at the review');
		await screen.press(keys.enter, first.answered);
		expect(first.events).toEqual([{type: 'resume-answered', resume: true}]);

		const second = answers();
		const again = await renderScreen(<ResumeScreen saved={saved} onAnswer={second.onAnswer} />);
		await again.press(keys.down);
		await again.press(keys.enter, second.answered);
		expect(second.events).toEqual([{type: 'resume-answered', resume: false}]);
	});
});

describe('role name', () => {
	test('Enter keeps the default', async () => {
		const {events, onAnswer, answered} = answers();
		const screen = await renderScreen(<RoleNameScreen settings={defaultSettings} onAnswer={onAnswer} />);
		expect(screen.lastFrame()).toContain('BillingAccess');
		await screen.press(keys.enter, answered);
		expect(events).toEqual([{type: 'role-name-entered', roleName: 'BillingAccess'}]);
	});

	test('a bad character is explained as it is typed, and Backspace mends it', async () => {
		const {events, onAnswer, answered} = answers();
		const screen = await renderScreen(<RoleNameScreen settings={{...defaultSettings, roleName: 'Ops'}} onAnswer={onAnswer} />);
		await screen.press('!');
		await screen.waitFor('“!” is not allowed in a role name');
		await screen.press(keys.enter, () => screen.lastFrame()!.includes('Ops!'));
		expect(events).toEqual([]);
		await screen.press(keys.backspace);
		await screen.waitFor(/Ops(?!!)/);
		expect(screen.lastFrame()).not.toContain('is not allowed');
		await screen.press(keys.enter, answered);
		expect(events).toEqual([{type: 'role-name-entered', roleName: 'Ops'}]);
	});

	test('a pasted name with a trailing newline and blanks is taken as typed and entered', async () => {
		const {events, onAnswer, answered} = answers();
		const screen = await renderScreen(<RoleNameScreen settings={defaultSettings} notice="Choose another name." onAnswer={onAnswer} />);
		await screen.press('Finance  \r', answered);
		expect(events).toEqual([{type: 'role-name-entered', roleName: 'Finance'}]);
		expect(screen.frame()).not.toContain('is not allowed');
	});

	test('after a name clash the notice shows and the name must be typed anew', async () => {
		const {events, onAnswer, answered} = answers();
		const notice = 'A role named BillingAccess already exists and was not created by billing-setup';
		const screen = await renderScreen(<RoleNameScreen settings={defaultSettings} notice={notice} onAnswer={onAnswer} />);
		expect(screen.lastFrame()).toContain(notice);
		await screen.press(keys.enter);
		expect(screen.lastFrame()).toContain('Type a role name.');
		for (const character of 'Billing2') await screen.press(character);
		await screen.press(keys.enter, answered);
		expect(events).toEqual([{type: 'role-name-entered', roleName: 'Billing2'}]);
	});
});

describe('choices open on the current setting', () => {
	test('access: Enter keeps read-only when that is the setting', async () => {
		const {events, onAnswer, answered} = answers();
		const screen = await renderScreen(<AccessScreen settings={{...defaultSettings, access: 'read-only'}} onAnswer={onAnswer} />);
		expect(screen.lastFrame()!.split('\n').find(line => line.includes('❯'))).toContain('AWSBillingReadOnlyAccess');
		await screen.press(keys.enter, answered);
		expect(events).toEqual([{type: 'access-chosen', access: 'read-only'}]);
	});

	test('Cost Explorer: says the chosen policy lacks ce:DescribeReport; Enter adds it, n does not', async () => {
		const check = {policyArn: 'arn:aws:iam::aws:policy/job-function/Billing', grantsDescribeReport: false};
		const yes = answers();
		const screen = await renderScreen(<CostExplorerScreen settings={defaultSettings} check={check} onAnswer={yes.onAnswer} />);
		expect(screen.lastFrame()).toMatch(/Billing does not grant ce:DescribeReport \(read from IAM just now\)/);
		await screen.press(keys.enter, yes.answered);
		expect(yes.events).toEqual([{type: 'cost-explorer-answered', enabled: true}]);

		const no = answers();
		const again = await renderScreen(<CostExplorerScreen settings={defaultSettings} check={check} onAnswer={no.onAnswer} />);
		await again.press('n', no.answered);
		expect(no.events).toEqual([{type: 'cost-explorer-answered', enabled: false}]);
	});

	test('trust: Enter keeps this account; MFA: Enter keeps it off; session: Down picks 2 h', async () => {
		const trust = answers();
		const trustScreen = await renderScreen(<TrustScreen settings={defaultSettings} onAnswer={trust.onAnswer} />);
		await trustScreen.press(keys.enter, trust.answered);
		expect(trust.events).toEqual([{type: 'trust-chosen', trust: 'account'}]);

		const mfa = answers();
		const mfaScreen = await renderScreen(<MfaScreen settings={defaultSettings} onAnswer={mfa.onAnswer} />);
		expect(mfaScreen.lastFrame()).toContain('anyone without one would be locked out');
		await mfaScreen.press(keys.enter, mfa.answered);
		expect(mfa.events).toEqual([{type: 'mfa-answered', requireMfa: false}]);

		const session = answers();
		const sessionScreen = await renderScreen(<SessionScreen settings={defaultSettings} onAnswer={session.onAnswer} />);
		await sessionScreen.press(keys.down);
		await sessionScreen.press(keys.enter, session.answered);
		expect(session.events).toEqual([{type: 'session-chosen', seconds: 7200}]);
	});

	const self = 'arn:aws:iam::123456789012:role/BillingAccess';
	const picker = (choices: string[], onAnswer: (event: WizardEvent) => void, settings = defaultSettings, complete = true) => (
		<PrincipalsScreen settings={settings} choices={choices} complete={complete} identity={identity} exclude={self} onAnswer={onAnswer} />
	);

	test('a list IAM cut short says so, and how to reach one not listed; a whole list says nothing', async () => {
		const choices = ['arn:aws:iam::123456789012:user/alice'];
		const cut = await renderScreen(picker(choices, () => {}, defaultSettings, false));
		expect(cut.frame().replace(/\s+/g, ' ')).toContain('IAM has more users and roles than the 1 listed here: if one is missing, press Tab and type its ARN.');
		const whole = await renderScreen(picker(choices, () => {}));
		expect(whole.frame()).not.toContain('IAM has more users and roles');
	});

	test('principals: boxes always shown, short names, you marked, the role itself left out; a fast ↓ Space Enter lands in order', async () => {
		const choices = ['arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:role/Ops', self];
		const picked = answers();
		const screen = await renderScreen(picker(choices, picked.onAnswer));
		const frame = screen.frame();
		expect(frame).toContain('❯ ☐ user/alice (you)');
		expect(frame).toContain('  ☐ role/Ops');
		expect(frame).not.toContain('role/BillingAccess');
		// One chunk, as a fast typist or a paste delivers it.
		await screen.press(`${keys.down}${keys.space}${keys.enter}`, picked.answered);
		expect(picked.events).toEqual([{type: 'principals-chosen', arns: ['arn:aws:iam::123456789012:role/Ops']}]);
	});

	test('principals: typing filters; ARNs from flags are listed ticked and can be unticked; a long list says how many more', async () => {
		const many = Array.from({length: 12}, (_, index) => `arn:aws:iam::123456789012:user/user${String(index).padStart(2, '0')}`);
		const fromFlag = 'arn:aws:iam::210987654321:role/Auditor';
		const settings = {...defaultSettings, trust: {kind: 'principals' as const, arns: [fromFlag]}};
		const picked = answers();
		const screen = await renderScreen(picker(many, picked.onAnswer, settings));
		expect(screen.frame()).toContain('❯ ☑ arn:aws:iam::210987654321:role/Auditor (another account)');
		expect(screen.frame()).toContain('↓ 5 more below');
		await screen.press(keys.space);
		expect(screen.frame()).toContain('☐ arn:aws:iam::210987654321:role/Auditor');
		for (const character of 'user07') await screen.press(character);
		expect(screen.frame()).toContain('❯ ☐ user/user07');
		expect(screen.frame()).not.toContain('user/user08');
		await screen.press(keys.space);
		await screen.press(keys.enter, picked.answered);
		expect(picked.events).toEqual([{type: 'principals-chosen', arns: ['arn:aws:iam::123456789012:user/user07']}]);
	});

	test('principals: type ARNs and have them checked', async () => {
		const typed = answers();
		const typing = await renderScreen(picker([], typed.onAnswer));
		for (const character of 'nope') await typing.press(character);
		expect(await typing.press(keys.enter)).toContain('“nope” is not an IAM principal ARN');
		for (let index = 0; index < 4; index++) await typing.press(keys.backspace);
		for (const character of 'arn:aws:iam::123456789012:role/Ops') await typing.press(character);
		await typing.press(keys.enter, typed.answered);
		expect(typed.events).toEqual([{type: 'principals-chosen', arns: ['arn:aws:iam::123456789012:role/Ops']}]);
	});
});

describe('review', () => {
	const atReview: WizardState = {...initialState({}, '2026-12-02T10:00:00.000Z', {setupId: 'setup-1'}), identity, step: 'review'};
	const absent: RoleInspection = {ownership: 'absent', billingShaped: true, differences: [{resource: 'role', kind: 'add', summary: 'create the role BillingAccess', widening: false, foreign: false}]};

	test('shows the exact policies and CLI commands on d, before any write; Enter creates', async () => {
		const {events, onAnswer, answered} = answers();
		const screen = await renderScreen(<ReviewScreen view={viewFor()} settings={defaultSettings} answers={reviewAnswers(atReview)} inspection={absent} onAnswer={onAnswer} />);
		expect(screen.frame()).toContain('In IAM now: the role does not exist yet: it will be created.');
		expect(screen.frame()).not.toContain('aws iam attach-role-policy');
		const frame = await screen.press('d');
		expect(frame).toContain('"AWS": "arn:aws:iam::123456789012:root"');
		expect(frame).toContain('arn:aws:iam::aws:policy/job-function/Billing');
		expect(frame).toContain('"ce:Describe*"');
		expect(frame).toContain('aws iam attach-role-policy');
		expect(frame).toContain('Nothing has been written to AWS yet');
		await screen.press(keys.enter, answered);
		expect(events).toEqual([{type: 'review-answered', create: true}]);
	});

	test('every answer is a line to change; choosing one sends the user to that question; n stops', async () => {
		const edit = answers();
		const screen = await renderScreen(<ReviewScreen view={viewFor()} settings={defaultSettings} answers={reviewAnswers(atReview)} inspection={absent} onAnswer={edit.onAnswer} />);
		const frame = screen.frame();
		for (const line of ['Change · Role name: BillingAccess', 'Change · Access: full (Billing)', 'Change · Who may switch: anyone in this account whose own policies allow it', 'Change · Longest session: 1 h', 'No, stop here']) {
			expect(frame).toContain(line);
		}
		await screen.press(keys.down);
		await screen.press(keys.down);
		await screen.press(keys.enter, edit.answered);
		expect(edit.events).toEqual([{type: 'edit-chosen', step: 'access'}]);

		const stop = answers();
		const again = await renderScreen(<ReviewScreen view={viewFor()} settings={defaultSettings} answers={reviewAnswers(atReview)} inspection={absent} onAnswer={stop.onAnswer} />);
		await again.press('n', stop.answered);
		expect(stop.events).toEqual([{type: 'review-answered', create: false}]);
	});

	test('the review fits an 80×24 terminal with the differences of a drifted role', async () => {
		const drifted: RoleInspection = {
			ownership: 'ours',
			billingShaped: false,
			differences: ['detach AdministratorAccess (attached outside billing-setup)', 'delete the inline policy extra (added outside billing-setup)', 'remove the permissions boundary arn:aws:iam::aws:policy/AWSDenyAll (set outside billing-setup)'].map(summary => ({resource: 'role', kind: 'remove' as const, summary, widening: true, foreign: true})),
		};
		const screen = await renderScreen(<ReviewScreen view={viewFor()} settings={defaultSettings} answers={reviewAnswers(atReview)} inspection={drifted} onAnswer={() => {}} />);
		// Header and blank line above it take 2 rows of the 24.
		expect(screen.frame().split('\n').length).toBeLessThanOrEqual(22);
	});

	test('a drifted role shows each change in words, grants beyond the plan marked, and asks to make them', async () => {
		const drifted: RoleInspection = {
			ownership: 'ours',
			billingShaped: false,
			differences: [
				{resource: 'managed-policies', kind: 'remove', summary: 'detach AdministratorAccess (attached outside billing-setup)', widening: true, foreign: true},
				{resource: 'role', kind: 'change', summary: 'tag it as this setup\'s (BillingSetupId=x)', widening: false, foreign: false, adoption: true},
			],
		};
		const screen = await renderScreen(<ReviewScreen view={viewFor()} settings={defaultSettings} answers={reviewAnswers(atReview)} inspection={drifted} onAnswer={() => {}} />);
		const frame = screen.frame();
		expect(frame).toContain('the role exists and was created by this setup.');
		expect(frame).toContain('- detach AdministratorAccess (attached outside billing-setup) [beyond the plan]');
		// The ownership tag alone is never shown as a change.
		expect(frame).not.toContain('BillingSetupId=x');
		expect(frame).toContain('Make these changes now?');
	});
});

describe('with a screen reader', () => {
	beforeEach(() => {
		process.env.INK_SCREEN_READER = 'true';
	});
	afterEach(() => {
		delete process.env.INK_SCREEN_READER;
	});

	test('a choice is said with its position, one option at a time, and arrows move it', async () => {
		const {events, onAnswer, answered} = answers();
		const screen = await renderScreen(<AccessScreen settings={defaultSettings} onAnswer={onAnswer} />);
		expect(screen.frame()).toContain('1 of 2: Full: view and manage billing (Billing)');
		expect(screen.frame()).not.toContain('Read-only');
		expect(await screen.press(keys.down)).toContain('2 of 2: Read-only: view billing only (AWSBillingReadOnlyAccess)');
		await screen.press(keys.enter, answered);
		expect(events).toEqual([{type: 'access-chosen', access: 'read-only'}]);
	});

	test('a wait is one line that is not redrawn', async () => {
		const screen = await renderScreen(<Working label="Writing the changes to IAM…" />);
		expect(screen.frame()).toContain('Working: Writing the changes to IAM…');
		expect(screen.frames.filter(frame => frame.trim() !== '').length).toBe(1);
	});
});

describe('identity', () => {
	test('an Identity Center caller is told that a permission set is not enough, and where billing access is given instead', async () => {
		const sso = classifyCaller('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice', '123456789012');
		const screen = await renderScreen(<IdentityDetails identity={sso} />);
		const frame = screen.frame().replace(/\s+/g, ' ');
		expect(frame).toContain('You signed in through IAM Identity Center.');
		expect(frame).toContain('billing-setup --via identity-center --assign user:NAME,group:NAME --yes');
		const iamUser = await renderScreen(<IdentityDetails identity={identity} />);
		expect(iamUser.frame()).not.toContain('Identity Center');
	});
});

describe('finished-setup menu', () => {
	test('Remove lists every role it would delete and asks first; no goes back to the menu, nothing sent', async () => {
		const {events, onAnswer, answered} = answers();
		const roles = ['arn:aws:iam::123456789012:role/First', 'arn:aws:iam::123456789012:role/Second'];
		const inPlace: RoleInspection = {ownership: 'ours', billingShaped: true, differences: []};
		const screen = await renderScreen(<FinishedScreen inspection={inPlace} view={viewFor()} created={roles} onAnswer={onAnswer} />);
		for (let index = 0; index < 2; index++) await screen.press(keys.down);
		const asked = await screen.press(keys.enter);
		expect(asked).toContain('Delete these 2 roles and the policies on them?');
		expect(asked).toContain('- arn:aws:iam::123456789012:role/First');
		expect(asked).toContain('- arn:aws:iam::123456789012:role/Second');
		// A prompt that just mounted subscribes to keys in an effect: one turn of the event loop first.
		const subscribed = () => new Promise(resolve => setImmediate(resolve));
		await subscribed();
		expect(await screen.press('n')).toContain('What now?');
		expect(events).toEqual([]);
		await subscribed();
		for (let index = 0; index < 2; index++) await screen.press(keys.down);
		await screen.press(keys.enter);
		await subscribed();
		await screen.press('y', answered);
		expect(events).toEqual([{type: 'finished-chosen', choice: 'remove'}]);
	});
});

describe('the review says what will be written, and what follows', () => {
	test('a new role: each write in words, then the read-back, the switch and the paid request', async () => {
		const state: WizardState = {...initialState({}, '2026-12-02T10:00:00.000Z', {setupId: 'setup-1'}), identity, step: 'review'};
		const absent: RoleInspection = {
			ownership: 'absent',
			billingShaped: true,
			differences: ['create the role BillingAccess', 'add the inline policy BillingSetupCostExplorerRead', 'add the inline policy BillingSetupGuard', 'attach Billing'].map(summary => ({resource: 'role', kind: 'add' as const, summary, widening: false, foreign: false})),
		};
		const then = afterTheWrites({noun: 'role', switchable: true, paidCheck: paidCheckAfterWrites(state)});
		const screen = await renderScreen(<ReviewScreen view={viewFor()} settings={defaultSettings} answers={reviewAnswers(state)} then={then} inspection={absent} onAnswer={() => {}} />);
		const frame = screen.frame().replaceAll('\n', ' ');
		for (const line of ['+ create the role BillingAccess', '+ add the inline policy BillingSetupGuard', '+ attach Billing']) expect(frame).toContain(line);
		expect(frame).toContain('Then: read back, switch to it, ask Cost Explorer as the role (USD 0.01).');
		// The review of a new role still fits 80×24 (the header and its blank line take 2 rows).
		expect(screen.frame().split('\n').length).toBeLessThanOrEqual(22);
		// --no-cost-check: no paid request is promised.
		expect(afterTheWrites({noun: 'role', switchable: true, paidCheck: paidCheckAfterWrites({...state, paidChecks: false})})).toBe('Then: read back, switch to it.');
	});

	test('another account’s principal is shown whole in the trail and the review, never as if it were this account’s', () => {
		const state: WizardState = {
			...initialState({trust: {kind: 'principals', arns: ['arn:aws:iam::999999999999:user/bob', 'arn:aws:iam::123456789012:user/admin']}}, '2026-12-02T10:00:00.000Z', {setupId: 'setup-1'}),
			identity,
			step: 'review',
		};
		expect(reviewAnswers(state).find(answer => answer.step === 'trust')?.text).toBe('Who may switch: arn:aws:iam::999999999999:user/bob, user/admin');
	});
});

describe('names from outside reach the screen without their control sequences', () => {
	// An identity store group may be named anything: here one that would retitle the terminal and clear it.
	const hostile = 'Fin\u001B]0;pwned\u0007ance\u001B[2J';
	const controls = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

	test('the assignee picker', async () => {
		const settings = {...defaultSettings, via: 'identity-center' as const, assignees: []};
		const screen = await renderScreen(<AssigneesScreen settings={settings} people={[{type: 'GROUP', name: hostile}]} onAnswer={answers().onAnswer} />);
		const frame = await screen.waitFor('group:Finance');
		expect(frame).not.toMatch(controls);
	});

	test('the review and the hand-off of a permission set', async () => {
		const settings = {...defaultSettings, via: 'identity-center' as const, assignees: [{type: 'GROUP' as const, name: hostile}]};
		const view = viewFor(settings, {roleArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1', at: 'now', identityStoreId: 'd-1234567890', ssoRegion: 'us-east-1'});
		const state: WizardState = {...initialState(settings, '2026-12-02T10:00:00.000Z', {setupId: 'setup-1'}), identity, step: 'review'};
		const screen = await renderScreen(<ReviewScreen view={view} settings={settings} answers={reviewAnswers(state)} onAnswer={answers().onAnswer} />);
		expect(await screen.waitFor('group:Finance')).not.toMatch(controls);
		for (const text of [view.finish({done: false}), view.details()]) {
			expect(text).toContain('group:Finance');
			expect(text).not.toMatch(controls);
		}
	});
});
