/** The verify effect lists the caller's MFA device only when the role requires MFA, and the printed block names it. */
import {describe, expect, test, vi} from 'vitest';
import {classifyCaller, type Identity} from '../../source/core/principal.js';
import type {RoleSettings} from '../../source/core/settings.js';
import {WizardSession} from '../../source/engine/session.js';
import type {AwsOperations} from '../../source/engine/ports.js';
import {targets} from '../../source/engine/target.js';
import {contextOf, initialState, type SavedSetup, type WizardState} from '../../source/engine/wizard.js';
import {runHeadless} from '../../source/headless.js';
import {fakeAws} from '../support/fake-aws.js';

const account = '123456789012';
const alice: Identity = {...classifyCaller(`arn:aws:iam::${account}:user/alice`, account), signIn: {source: {kind: 'Environment'}, region: 'eu-west-1'}};
const serial = `arn:aws:iam::${account}:mfa/alice-phone`;

/** The in-memory account of the other tests, with the MFA device listing counted. */
function withMfaDevice(): AwsOperations & {mfaDevice: ReturnType<typeof vi.fn>} {
	return fakeAws(alice, {
		role: {verify: async plan => ({roleArn: plan.roleArn, at: 'now', assumedAs: `${plan.roleArn}/session`})},
		mfaDevice: vi.fn(async () => serial),
	}) as AwsOperations & {mfaDevice: ReturnType<typeof vi.fn>};
}

/** The profile block the role's plan prints for this state. */
const profileOf = (state: WizardState) => targets.role.plan(contextOf(state)).profileBlock;

async function setUp(presets: Partial<RoleSettings>, saved?: SavedSetup) {
	const aws = withMfaDevice();
	const saves: SavedSetup[] = [];
	const store = {load: () => saved, save: (setup: SavedSetup) => void saves.push(setup)};
	const session = new WizardSession(initialState(presets, new Date().toISOString(), {setupId: 'setup-1'}), {aws, store});
	const printed: string[] = [];
	const {exitCode} = await runHeadless(session, line => printed.push(line));
	return {aws, session, saves, exitCode, printed: printed.join('\n')};
}

describe('the hand-off of a wizard run', () => {
	test('with MFA required, verify lists the device once and the printed block names it', async () => {
		const {aws, session, saves, exitCode, printed} = await setUp({requireMfa: true});
		expect(exitCode).toBe(0);
		expect(aws.mfaDevice).toHaveBeenCalledExactlyOnceWith(alice);
		expect(printed.split('\n')).toContain(`mfa_serial = ${serial}`);
		expect(printed).toContain('\ncredential_source = Environment\nregion = eu-west-1\n');
		expect(saves.at(-1)?.verification?.mfa).toEqual({userArn: alice.arn, serial});
		expect(profileOf(session.state)).toContain(`mfa_serial = ${serial}`);
	});

	test('without MFA, IAM is not asked for devices', async () => {
		const {aws, printed} = await setUp({});
		expect(aws.mfaDevice).not.toHaveBeenCalled();
		expect(printed).not.toContain('mfa_serial');
	});

	test('a finished record verified by someone else does not lend this caller their MFA device', async () => {
		const first = await setUp({requireMfa: true});
		const record = {...first.saves.at(-1)!, verification: {...first.saves.at(-1)!.verification!, mfa: {userArn: `arn:aws:iam::${account}:user/bob`, serial: `arn:aws:iam::${account}:mfa/bob`}}};
		const session = new WizardSession(initialState({}, new Date().toISOString(), {setupId: 'setup-2'}), {aws: withMfaDevice(), store: {load: () => record, save: () => {}}});
		await session.start();
		expect(profileOf(session.state)).not.toContain('mfa/bob');
		expect(profileOf(session.state)).toContain('mfa/YOUR-MFA-DEVICE');
	});
});
