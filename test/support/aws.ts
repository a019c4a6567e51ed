/**
 * The AWS side of an e2e test file, in one place: a moto_server for the file, a fault proxy in front of it, an
 * admin IAM client that reads moto directly (never through the proxy), a fresh config directory per test,
 * helpers that read a role as moto has it, and a saved-progress-record factory.
 *
 *     const aws = useAwsFixture();
 *     it('…', async () => {
 *         const result = await runCli(['--yes', '--json'], {env: aws.env()});
 *         expect(await aws.role('BillingAccess')).toMatchObject({attached: [billingPolicyArn]});
 *     });
 */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {
	DeleteAccessKeyCommand,
	DeleteGroupCommand,
	DeletePolicyCommand,
	DeletePolicyVersionCommand,
	DeleteRoleCommand,
	DeleteRolePolicyCommand,
	DeleteUserCommand,
	DeleteUserPolicyCommand,
	DetachRolePolicyCommand,
	DetachUserPolicyCommand,
	GetRoleCommand,
	IAMClient,
	ListAccessKeysCommand,
	ListAttachedRolePoliciesCommand,
	ListAttachedUserPoliciesCommand,
	ListGroupsCommand,
	ListGroupsForUserCommand,
	ListPoliciesCommand,
	ListPolicyVersionsCommand,
	ListRolePoliciesCommand,
	ListRolesCommand,
	ListInstanceProfilesCommand,
	RemoveRoleFromInstanceProfileCommand,
	DeleteInstanceProfileCommand,
	ListUserPoliciesCommand,
	ListUsersCommand,
	RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import {afterAll, afterEach, beforeAll, beforeEach, inject} from 'vitest';
import type {SavedSetup} from '../../source/engine/wizard.js';
import {defaultSettings, type RoleSettings} from '../../source/core/settings.js';
import {cleanEnv, progressPath, tempConfigHome} from './cli.js';
import {startFaultProxy, type FaultProxy} from './fault-proxy.js';
import {adminIam, connectMoto, startMoto, type Moto} from './moto.js';

/** moto's default account: every test key belongs to it. */
export const account = '123456789012';
export const defaultRoleName = 'BillingAccess';
export const billingPolicyArn = 'arn:aws:iam::aws:policy/job-function/Billing';
export const costExplorerPolicyName = 'BillingSetupCostExplorerRead';

export interface RoleInMoto {
	name: string;
	arn: string;
	path: string;
	/** ARNs of the attached managed policies, in moto's order. */
	attached: string[];
	/** Names of the inline policies. */
	inline: string[];
	/** The trust policy, parsed. */
	trust: {Version?: string; Statement: Array<Record<string, any>>};
	maxSessionSeconds: number | undefined;
	tags: Array<{Key?: string; Value?: string}>;
}

export interface AwsFixture {
	readonly moto: Moto;
	readonly proxy: FaultProxy;
	/** Admin keys, straight to moto: for arranging and inspecting, never counted by the proxy. */
	readonly iam: IAMClient;
	/** This test's XDG_CONFIG_HOME: new for every test, removed after it. */
	readonly home: string;
	/** A CLI environment (cleanEnv) that reaches moto through the proxy and saves progress in `home`. */
	env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
	/** Names of every role in moto, service-linked ones included. */
	roleNames(): Promise<string[]>;
	/** The role as moto has it, or undefined when there is none of that name. */
	role(name?: string): Promise<RoleInMoto | undefined>;
}

/** Every IAM entity a test may leave behind, deleted through the API: much cheaper than a full reset (see below). */
export async function emptyIam(iam: IAMClient): Promise<void> {
	// A role in an instance profile cannot be deleted (DeleteConflict): without this, one test's profile sent every
	// later test of the worker to moto's full reset, which reloads the managed policies and outlasts the hook under load.
	const {InstanceProfiles = []} = await iam.send(new ListInstanceProfilesCommand({MaxItems: 1000}));
	await Promise.all(
		InstanceProfiles.map(async ({InstanceProfileName, Roles: inProfile = []}) => {
			await Promise.all(inProfile.map(({RoleName}) => iam.send(new RemoveRoleFromInstanceProfileCommand({InstanceProfileName, RoleName}))));
			await iam.send(new DeleteInstanceProfileCommand({InstanceProfileName}));
		}),
	);
	const {Roles = []} = await iam.send(new ListRolesCommand({MaxItems: 1000}));
	await Promise.all(
		Roles.map(async ({RoleName}) => {
			const {AttachedPolicies = []} = await iam.send(new ListAttachedRolePoliciesCommand({RoleName}));
			await Promise.all(AttachedPolicies.map(({PolicyArn}) => iam.send(new DetachRolePolicyCommand({RoleName, PolicyArn}))));
			const {PolicyNames = []} = await iam.send(new ListRolePoliciesCommand({RoleName}));
			await Promise.all(PolicyNames.map(PolicyName => iam.send(new DeleteRolePolicyCommand({RoleName, PolicyName}))));
			await iam.send(new DeleteRoleCommand({RoleName}));
		}),
	);
	const {Users = []} = await iam.send(new ListUsersCommand({MaxItems: 1000}));
	await Promise.all(
		Users.map(async ({UserName}) => {
			const {AccessKeyMetadata = []} = await iam.send(new ListAccessKeysCommand({UserName}));
			await Promise.all(AccessKeyMetadata.map(({AccessKeyId}) => iam.send(new DeleteAccessKeyCommand({UserName, AccessKeyId}))));
			const {AttachedPolicies = []} = await iam.send(new ListAttachedUserPoliciesCommand({UserName}));
			await Promise.all(AttachedPolicies.map(({PolicyArn}) => iam.send(new DetachUserPolicyCommand({UserName, PolicyArn}))));
			const {PolicyNames = []} = await iam.send(new ListUserPoliciesCommand({UserName}));
			await Promise.all(PolicyNames.map(PolicyName => iam.send(new DeleteUserPolicyCommand({UserName, PolicyName}))));
			const {Groups = []} = await iam.send(new ListGroupsForUserCommand({UserName}));
			await Promise.all(Groups.map(({GroupName}) => iam.send(new RemoveUserFromGroupCommand({UserName, GroupName}))));
			await iam.send(new DeleteUserCommand({UserName}));
		}),
	);
	const {Groups = []} = await iam.send(new ListGroupsCommand({MaxItems: 1000}));
	await Promise.all(Groups.map(({GroupName}) => iam.send(new DeleteGroupCommand({GroupName}))));
	const {Policies = []} = await iam.send(new ListPoliciesCommand({Scope: 'Local', MaxItems: 1000}));
	await Promise.all(
		Policies.map(async ({Arn: PolicyArn}) => {
			const {Versions = []} = await iam.send(new ListPolicyVersionsCommand({PolicyArn}));
			await Promise.all(
				Versions.filter(version => !version.IsDefaultVersion).map(({VersionId}) =>
					iam.send(new DeletePolicyVersionCommand({PolicyArn, VersionId})),
				),
			);
			await iam.send(new DeletePolicyCommand({PolicyArn}));
		}),
	);
}

/**
 * Registers this file's hooks and returns the fixture; call it once, at the top of the file (or of a describe).
 * Files of the e2e project share one moto_server (global-moto.ts) and run one at a time, so each test starts
 * from an empty moto whichever file ran before.
 *
 * Between tests moto is emptied through the IAM API rather than /moto-api/reset: with AWS managed policies
 * loaded (MOTO_IAM_LOAD_MANAGED_POLICIES, which the CLI's GetPolicy needs) a reset and the first IAM call after it
 * reload ~1,000 policies and cost 2 s of CPU each time, most of the e2e suite's run time. If emptying fails
 * (something it does not know), the test falls back to a full reset. Tests use IAM and STS only; STS keeps no
 * state a later test could see.
 */
export function useAwsFixture(): AwsFixture {
	let moto: Moto | undefined;
	let proxy: FaultProxy | undefined;
	let iam: IAMClient | undefined;
	let home: string | undefined;

	const started = <T>(value: T | undefined, what: string): T => {
		if (value === undefined) throw new Error(`${what} is not there: use the AWS fixture inside a test or hook of the file that called useAwsFixture()`);
		return value;
	};

	beforeAll(async () => {
		// The e2e project's global setup gives each worker a server its files share (see global-moto.ts); without
		// it, start one. VITEST_POOL_ID numbers the workers running at once from 1.
		const endpoints = inject('motoEndpoints');
		const shared = endpoints?.[(Number(process.env.VITEST_POOL_ID ?? 1) - 1) % endpoints.length];
		moto = shared ? connectMoto(shared) : await startMoto();
		proxy = await startFaultProxy(moto.endpoint, moto.env);
		iam = await adminIam(moto);
	}, 30_000);

	afterAll(async () => {
		iam?.destroy();
		// Drops any request a test left parked in the proxy.
		await proxy?.close();
		await moto?.stop();
	});

	beforeEach(async () => {
		const m = started(moto, 'moto');
		const p = started(proxy, 'the fault proxy');
		p.clearFaults();
		// A request parked by the last test (a killed CLI's write) must never land in this one.
		p.dropHeld();
		// A test may have switched IAM enforcement on; the admin keys below are not an IAM user.
		await m.setNoAuthActionCount(Infinity);
		try {
			await emptyIam(started(iam, 'the admin IAM client'));
		} catch {
			await m.reset();
		}
		p.calls.length = 0;
		home = tempConfigHome();
	});

	afterEach(() => {
		if (home) rmSync(home, {recursive: true, force: true});
		home = undefined;
	});

	const fixture: AwsFixture = {
		get moto() {
			return started(moto, 'moto');
		},
		get proxy() {
			return started(proxy, 'the fault proxy');
		},
		get iam() {
			return started(iam, 'the admin IAM client');
		},
		get home() {
			return started(home, "this test's config directory");
		},
		env(extra = {}) {
			return cleanEnv({...fixture.proxy.env, XDG_CONFIG_HOME: fixture.home, ...extra});
		},
		async roleNames() {
			const {Roles = []} = await fixture.iam.send(new ListRolesCommand({MaxItems: 1000}));
			return Roles.map(role => role.RoleName ?? '');
		},
		async role(name = defaultRoleName) {
			const client = fixture.iam;
			let role;
			try {
				({Role: role} = await client.send(new GetRoleCommand({RoleName: name})));
			} catch (error) {
				if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity') return undefined;
				throw error;
			}
			if (!role) return undefined;
			const {AttachedPolicies = []} = await client.send(new ListAttachedRolePoliciesCommand({RoleName: name}));
			const {PolicyNames = []} = await client.send(new ListRolePoliciesCommand({RoleName: name}));
			return {
				name: role.RoleName ?? name,
				arn: role.Arn ?? '',
				path: role.Path ?? '/',
				attached: AttachedPolicies.map(policy => policy.PolicyArn ?? ''),
				inline: PolicyNames,
				trust: JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument ?? '{"Statement":[]}')),
				maxSessionSeconds: role.MaxSessionDuration,
				tags: role.Tags ?? [],
			};
		},
	};
	return fixture;
}

/** Overrides for savedSetup(): any field of the record, with `settings` merged into the defaults. */
export type SavedSetupOverrides = Omit<Partial<SavedSetup>, 'settings'> & {settings?: Partial<RoleSettings>};

/**
 * A saved progress record as the CLI writes it: by default an unfinished setup of BillingAccess in moto's account,
 * stopped at the trust principals question, with nothing written to AWS yet.
 */
export function savedSetup(overrides: SavedSetupOverrides = {}): SavedSetup {
	const at = '2026-01-01T00:00:00.000Z';
	const accountId = overrides.accountId ?? account;
	const {settings, ...rest} = overrides;
	return {
		accountId,
		callerArn: `arn:aws:iam::${accountId}:user/moto`,
		step: 'trust-principals',
		finished: false,
		changes: [],
		startedAt: at,
		updatedAt: at,
		...rest,
		settings: {...defaultSettings, roleName: defaultRoleName, ...settings},
	};
}

/** Writes a progress file holding exactly these records, one per account, as the CLI would find it. */
export function writeProgress(configHome: string, setups: SavedSetup[]): void {
	const file = progressPath(configHome);
	mkdirSync(path.dirname(file), {recursive: true});
	const document = {version: 1, setups: Object.fromEntries(setups.map(setup => [setup.accountId, setup]))};
	writeFileSync(file, JSON.stringify(document, null, '\t'), {mode: 0o600});
}
