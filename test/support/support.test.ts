import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {
	AddUserToGroupCommand,
	AttachRolePolicyCommand,
	AttachUserPolicyCommand,
	CreateAccessKeyCommand,
	CreateGroupCommand,
	CreatePolicyCommand,
	CreatePolicyVersionCommand,
	CreateRoleCommand,
	CreateUserCommand,
	GetRoleCommand,
	IAMClient,
	ListGroupsCommand,
	ListPoliciesCommand,
	ListRolesCommand,
	ListUsersCommand,
	PutRolePolicyCommand,
	PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
import {emptyIam, useAwsFixture} from './aws.js';
import {startFaultProxy, type FaultProxy} from './fault-proxy.js';
import {CREATE_LIMITED_USER_CALLS, createLimitedUser, startMoto, type Moto} from './moto.js';

type Credentials = { accessKeyId: string; secretAccessKey: string };

function adminCredentials(moto: Moto): Credentials {
	return { accessKeyId: moto.env.AWS_ACCESS_KEY_ID!, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY! };
}

function clients(endpoint: string, credentials: Credentials) {
	const config = { endpoint, region: 'us-east-1', credentials };
	return { iam: new IAMClient(config), sts: new STSClient(config) };
}

const trustAccount = JSON.stringify({
	Version: '2012-10-17',
	Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }],
});

describe('moto + fault proxy', () => {
	const aws = useAwsFixture();
	let moto: Moto;
	let proxy: FaultProxy;
	let viaProxy: ReturnType<typeof clients>;
	let direct: ReturnType<typeof clients>;

	// Runs after the fixture's own beforeEach: moto is empty, the proxy has no faults and no calls.
	beforeEach(() => {
		({moto, proxy} = aws);
		viaProxy = clients(proxy.endpoint, adminCredentials(moto));
		direct = clients(moto.endpoint, adminCredentials(moto));
	});

	afterEach(() => {
		for (const client of [viaProxy.iam, viaProxy.sts, direct.iam, direct.sts]) client.destroy();
	});

	const actions = () => proxy.calls.map((call) => call.action);

	it('forwards STS and IAM calls and records their actions', async () => {
		const identity = await viaProxy.sts.send(new GetCallerIdentityCommand({}));
		expect(identity.Account).toBe('123456789012');
		await viaProxy.iam.send(new ListRolesCommand({}));
		expect(actions()).toEqual(['GetCallerIdentity', 'ListRoles']);
		expect(proxy.env.AWS_ENDPOINT_URL_IAM).toBe(proxy.endpoint);
		expect(proxy.env.AWS_ACCESS_KEY_ID).toBe(moto.env.AWS_ACCESS_KEY_ID);
	});

	it('throttles once, and the SDK retry then succeeds', async () => {
		proxy.fault('ListRoles', { kind: 'throttle' }, 1);
		await viaProxy.iam.send(new ListRolesCommand({}));
		expect(actions()).toEqual(['ListRoles', 'ListRoles']);
	});

	it('makes the call fail when every attempt has its connection reset', async () => {
		proxy.fault('GetCallerIdentity', { kind: 'reset' });
		await expect(viaProxy.sts.send(new GetCallerIdentityCommand({}))).rejects.toThrow();
		// The SDK's default of 3 attempts, all dropped.
		expect(actions()).toEqual(['GetCallerIdentity', 'GetCallerIdentity', 'GetCallerIdentity']);
	});

	it('returns injected AWS errors for the first N calls only, then forwards', async () => {
		const denied = { kind: 'error', status: 403, code: 'AccessDenied', message: 'not yet' } as const;
		proxy.fault('ListRoles', denied, 2);
		for (let call = 1; call <= 2; call++) {
			await expect(viaProxy.iam.send(new ListRolesCommand({}))).rejects.toMatchObject({
				name: 'AccessDenied',
				message: 'not yet',
				$metadata: { httpStatusCode: 403 },
			});
		}
		await viaProxy.iam.send(new ListRolesCommand({}));
		expect(actions()).toEqual(['ListRoles', 'ListRoles', 'ListRoles']);
	});

	it('drops held calls: they never reach moto', async () => {
		// One attempt: an SDK retry of the dropped request would otherwise go through.
		const once = new IAMClient({ endpoint: proxy.endpoint, region: 'us-east-1', credentials: adminCredentials(moto), maxAttempts: 1 });
		try {
			proxy.fault('CreateRole', { kind: 'hold' }, 1);
			const creating = once.send(new CreateRoleCommand({ RoleName: 'dropped', AssumeRolePolicyDocument: trustAccount }));
			await proxy.waitForHeld('CreateRole');
			expect(proxy.dropHeld()).toBe(1);
			await expect(creating).rejects.toThrow();
			expect(proxy.release('CreateRole')).toBe(0);
			await expect(direct.iam.send(new GetRoleCommand({ RoleName: 'dropped' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
		} finally {
			once.destroy();
		}
	});

	it('delays a call', async () => {
		proxy.fault('ListRoles', { kind: 'delay', ms: 300 }, 1);
		const started = Date.now();
		await viaProxy.iam.send(new ListRolesCommand({}));
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});

	it('emptyIam leaves moto with no roles, users, groups or customer policies, whatever was attached to them', async () => {
		const iam = direct.iam;
		const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ce:GetCostAndUsage', Resource: '*' }] });
		const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Local', PolicyDocument: document }));
		await iam.send(new CreatePolicyVersionCommand({ PolicyArn: Policy!.Arn!, PolicyDocument: document, SetAsDefault: true }));
		await iam.send(new CreateRoleCommand({ RoleName: 'Kept', Path: '/team/', AssumeRolePolicyDocument: trustAccount }));
		await iam.send(new AttachRolePolicyCommand({ RoleName: 'Kept', PolicyArn: Policy!.Arn! }));
		await iam.send(new AttachRolePolicyCommand({ RoleName: 'Kept', PolicyArn: 'arn:aws:iam::aws:policy/job-function/Billing' }));
		await iam.send(new PutRolePolicyCommand({ RoleName: 'Kept', PolicyName: 'inline', PolicyDocument: document }));
		await iam.send(new CreateUserCommand({ UserName: 'kept' }));
		await iam.send(new CreateAccessKeyCommand({ UserName: 'kept' }));
		await iam.send(new PutUserPolicyCommand({ UserName: 'kept', PolicyName: 'inline', PolicyDocument: document }));
		await iam.send(new AttachUserPolicyCommand({ UserName: 'kept', PolicyArn: Policy!.Arn! }));
		await iam.send(new CreateGroupCommand({ GroupName: 'team' }));
		await iam.send(new AddUserToGroupCommand({ GroupName: 'team', UserName: 'kept' }));

		await emptyIam(iam);

		expect((await iam.send(new ListRolesCommand({}))).Roles).toEqual([]);
		expect((await iam.send(new ListUsersCommand({}))).Users).toEqual([]);
		expect((await iam.send(new ListGroupsCommand({}))).Groups).toEqual([]);
		expect((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies).toEqual([]);
		// The AWS managed policies the CLI reads are still there.
		expect((await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 5 }))).Policies).toHaveLength(5);
	});

	it('holds a call until released', async () => {
		proxy.fault('CreateRole', { kind: 'hold' }, 1);
		const creating = viaProxy.iam.send(new CreateRoleCommand({ RoleName: 'held', AssumeRolePolicyDocument: trustAccount }));
		await proxy.waitForHeld('CreateRole');
		// Still held, so moto has not seen it yet.
		await expect(direct.iam.send(new GetRoleCommand({ RoleName: 'held' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
		expect(proxy.release('CreateRole')).toBe(1);
		const { Role } = await creating;
		expect(Role?.RoleName).toBe('held');
	});
});

describe('moto with IAM enforcement', () => {
	let moto: Moto;
	let proxy: FaultProxy;

	beforeAll(async () => {
		// Just enough unauthenticated requests for createLimitedUser; everything after is checked.
		moto = await startMoto({ noAuthActionCount: CREATE_LIMITED_USER_CALLS });
		proxy = await startFaultProxy(moto.endpoint, moto.env);
	}, 20_000);

	afterAll(async () => {
		await proxy?.close();
		await moto?.stop();
	});

	it('denies a limited user anything outside its allowance', async () => {
		const user = await createLimitedUser(moto, 'limited', ['iam:ListRoles']);
		// Through the proxy: moto now verifies SigV4, which only passes if Host was preserved.
		const { iam, sts } = clients(proxy.endpoint, user);
		try {
			const identity = await sts.send(new GetCallerIdentityCommand({}));
			expect(identity.Arn).toBe(user.arn);
			await iam.send(new ListRolesCommand({}));
			await expect(
				iam.send(new CreateRoleCommand({ RoleName: 'nope', AssumeRolePolicyDocument: trustAccount })),
			).rejects.toMatchObject({
				name: 'AccessDenied',
				message: `User: ${user.arn} is not authorized to perform: iam:CreateRole`,
				$metadata: { httpStatusCode: 403 },
			});
		} finally {
			iam.destroy();
			sts.destroy();
		}
	});
});

describe('startMoto without moto installed', () => {
	it('says how to install it', async () => {
		const path = process.env.PATH;
		process.env.PATH = '/nonexistent';
		try {
			await expect(startMoto()).rejects.toThrow('moto_server not found — install it with: pip install "moto[server]"');
		} finally {
			process.env.PATH = path;
		}
	});
});
