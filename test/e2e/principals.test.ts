/**
 * listPrincipals against moto: the IAM users and roles the trust question offers to pick from. Runs the real
 * AwsOperations in this process, pointed at moto (through the fault proxy) by the same environment variables the
 * CLI reads.
 */
import {CreateRoleCommand, CreateServiceLinkedRoleCommand, CreateUserCommand} from '@aws-sdk/client-iam';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {createOperations, type LoadedOperations} from '../../source/aws/operations.js';
import {account, useAwsFixture} from '../support/aws.js';
import {CREATE_LIMITED_USER_CALLS, createLimitedUser, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY} from '../support/moto.js';

const trustAccount = JSON.stringify({
	Version: '2012-10-17',
	Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${account}:root`}, Action: 'sts:AssumeRole'}],
});

describe('listPrincipals against moto', () => {
	const aws = useAwsFixture();
	const opened: LoadedOperations[] = [];

	afterEach(() => {
		for (const operations of opened.splice(0)) {
			operations.clients.iam.destroy();
			operations.clients.sts.destroy();
		}
		vi.unstubAllEnvs();
	});

	/** AwsOperations as the CLI creates them, with these keys, reaching moto through the proxy. */
	async function operations(keys = {accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY}): Promise<LoadedOperations> {
		for (const [name, value] of Object.entries(process.env)) if (name.startsWith('AWS_') && value !== undefined) vi.stubEnv(name, undefined);
		for (const [name, value] of Object.entries(aws.proxy.env)) vi.stubEnv(name, value);
		vi.stubEnv('AWS_ACCESS_KEY_ID', keys.accessKeyId);
		vi.stubEnv('AWS_SECRET_ACCESS_KEY', keys.secretAccessKey);
		// Nothing of the machine owner's ~/.aws.
		vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
		vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
		const created = await createOperations({verifyTimeoutMs: 1000});
		opened.push(created);
		return created;
	}

	const calls = (action: string): number => aws.proxy.calls.filter(call => call.action === action).length;

	async function createUsers(...names: string[]): Promise<string[]> {
		return Promise.all(names.map(async UserName => (await aws.iam.send(new CreateUserCommand({UserName}))).User!.Arn!));
	}

	async function createRoles(names: string[], path = '/'): Promise<string[]> {
		const arns: string[] = [];
		// A few at a time: moto answers one request after another anyway.
		for (let start = 0; start < names.length; start += 20) {
			const batch = names.slice(start, start + 20);
			arns.push(
				...(await Promise.all(
					batch.map(async RoleName =>
						(await aws.iam.send(new CreateRoleCommand({RoleName, Path: path, AssumeRolePolicyDocument: trustAccount}))).Role!.Arn!,
					),
				)),
			);
		}
		return arns;
	}

	it('lists the IAM users and roles, with a role under a path by its full ARN, and leaves out service-linked roles', async () => {
		const users = await createUsers('alice', 'bob');
		const [finance] = await createRoles(['Finance']);
		const [auditor] = await createRoles(['Auditor'], '/team/finance/');
		const {Role: serviceLinked} = await aws.iam.send(new CreateServiceLinkedRoleCommand({AWSServiceName: 'elasticbeanstalk.amazonaws.com'}));
		// The service-linked role is really there, so leaving it out is the filter's doing.
		expect(serviceLinked?.Path).toMatch(/^\/aws-service-role\//);
		expect(await aws.roleNames()).toContain(serviceLinked?.RoleName);

		const {arns: listed, complete} = await (await operations()).listPrincipals();
		expect(complete).toBe(true);

		expect(auditor).toBe(`arn:aws:iam::${account}:role/team/finance/Auditor`);
		expect([...listed].sort()).toEqual([...users, finance, auditor].sort());
		expect(listed).not.toContain(serviceLinked?.Arn);
	});

	it('lists nothing, without failing, in an account with no users or roles', async () => {
		expect(await (await operations()).listPrincipals()).toEqual({arns: [], complete: true});
		expect(calls('ListUsers')).toBe(1);
		expect(calls('ListRoles')).toBe(1);
	});

	it('lets errors other than AccessDenied through: a failing IAM is not an empty account', async () => {
		await createUsers('alice');
		aws.proxy.fault('ListUsers', {kind: 'error', status: 500, code: 'InternalFailure', message: 'We encountered an internal error.'});

		await expect((await operations()).listPrincipals()).rejects.toMatchObject({name: 'InternalFailure'});
	});

	describe('falls back to an empty list (the ARNs are typed instead) when IAM denies the listing', () => {
		const cases = [
			{denied: 'iam:ListUsers', allowed: ['iam:ListRoles']},
			{denied: 'iam:ListRoles', allowed: ['iam:ListUsers']},
		];

		it.each(cases)('without $denied', async ({denied, allowed}) => {
			await createUsers('alice');
			await createRoles(['Finance']);
			// From here moto checks every request against the caller's IAM policies.
			await aws.moto.setNoAuthActionCount(CREATE_LIMITED_USER_CALLS);
			const limited = await createLimitedUser(aws.moto, 'limited', allowed);

			const listed = await (await operations(limited)).listPrincipals();

			// Not all of IAM's: the picker says so and offers to type ARNs.
			expect(listed, `denied ${denied}`).toEqual({arns: [], complete: false});
			expect(aws.proxy.calls.some(call => `iam:${call.action}` === denied)).toBe(true);
		});

		it('while a caller allowed both gets the list: the denial above is what empties it', async () => {
			await createUsers('alice');
			await createRoles(['Finance']);
			await aws.moto.setNoAuthActionCount(CREATE_LIMITED_USER_CALLS);
			const limited = await createLimitedUser(aws.moto, 'limited', ['iam:ListUsers', 'iam:ListRoles']);

			const {arns: listed} = await (await operations(limited)).listPrincipals();

			expect([...listed].sort()).toEqual([
				`arn:aws:iam::${account}:role/Finance`,
				`arn:aws:iam::${account}:user/alice`,
				limited.arn,
			]);
		});
	});

	// Last in the file on purpose: the fixture would otherwise spend a few seconds deleting 401 roles.
	it('stops paging at 400 principals: a large account is not listed to the end', async () => {
		// moto pages ListRoles 100 at a time: 4 pages make 400, and the 401st role is never fetched.
		await createRoles(Array.from({length: 401}, (_, index) => `Role${String(index).padStart(3, '0')}`));

		const {arns: listed, complete} = await (await operations()).listPrincipals();

		expect(listed).toHaveLength(400);
		// Cut short, and said to be: the picker tells people to type a missing one's ARN.
		expect(complete).toBe(false);
		expect(new Set(listed).size).toBe(400);
		expect(calls('ListRoles')).toBe(4);
	});
});
