/**
 * Kill at every boundary: the CLI is SIGKILLed while one of its AWS calls is parked in the fault proxy, and the
 * next run must converge to exactly one role with each policy once, from whatever the progress file and AWS say.
 * Every kill happens at a held request, never after a delay, so a loaded machine changes how long a case takes but
 * not where the kill lands; each case is its own test with its own time budget.
 */
import {spawn} from 'node:child_process';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import {account, billingPolicyArn as billingArn, costExplorerPolicyName as inlineName, defaultRoleName as roleName, useAwsFixture} from '../support/aws.js';
import {cliPath, progressPath, readProgress, runCli} from '../support/cli.js';

const roleArn = `arn:aws:iam::${account}:role/${roleName}`;

type Write = 'CreateRole' | 'AttachRolePolicy' | 'PutRolePolicy';

const change = {
	CreateRole: {action: 'iam:CreateRole', target: roleArn},
	AttachRolePolicy: {action: 'iam:AttachRolePolicy', target: billingArn},
	PutRolePolicy: {action: 'iam:PutRolePolicy', target: `${roleArn}/${inlineName}`},
} as const;
// The order a setup writes in: the inline policy goes on before the managed grant.
const writes: Write[] = ['CreateRole', 'PutRolePolicy', 'AttachRolePolicy'];

interface Started {
	exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
	stderr(): string;
	kill(): Promise<NodeJS.Signals | null>;
}

/**
 * The setup every test here runs. The subject is the role's three writes and the reads between them; the
 * guard's PutRolePolicy is one more write of the same kind (drift.test.ts covers it), so it is left out.
 */
const setupArgs = ['--yes', '--json', '--no-guard'];

/** Starts the CLI as runCli does, but hands back the child so a test can kill it mid-run. */
function startCli(args: string[], env: NodeJS.ProcessEnv): Started {
	const child = spawn(process.execPath, [cliPath, ...args], {env, stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr.on('data', chunk => (stderr += chunk));
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code, signal) => resolve({code, signal}));
	});
	return {
		exited,
		stderr: () => stderr,
		async kill() {
			child.kill('SIGKILL');
			return (await exited).signal;
		},
	};
}

describe('Kill at every boundary', () => {
	const aws = useAwsFixture();

	async function attached(): Promise<string[]> {
		return (await aws.role(roleName))?.attached ?? [];
	}
	async function inline(): Promise<string[]> {
		return (await aws.role(roleName))?.inline ?? [];
	}

	/** Whether the write a killed run left behind has been applied by moto. */
	const landed: Record<Write, () => Promise<boolean>> = {
		CreateRole: async () => (await aws.roleNames()).includes(roleName),
		AttachRolePolicy: async () => (await attached()).includes(billingArn),
		PutRolePolicy: async () => (await inline()).includes(inlineName),
	};

	/** Starts a setup, waits until its first `action` call is parked in the proxy, then SIGKILLs the CLI. */
	async function killAt(action: string): Promise<void> {
		aws.proxy.fault(action, {kind: 'hold'}, 1);
		const cli = startCli(setupArgs, aws.env());
		const exitedEarly = cli.exited.then(({code}) => {
			throw new Error(`the CLI exited (${code}) before sending ${action}:\n${cli.stderr()}`);
		});
		await Promise.race([aws.proxy.waitForHeld(action), exitedEarly]);
		expect(await cli.kill()).toBe('SIGKILL');
	}

	/** Kills the CLI while `action` is parked; progress stops just before the write: it knows the earlier ones only. */
	async function killWhileHeld(action: Write): Promise<void> {
		await killAt(action);
		const recorded = (readProgress(aws.home).setups[account].changes as Array<{action: string}>).map(c => c.action);
		expect(recorded).toEqual(writes.slice(0, writes.indexOf(action)).map(write => change[write].action));
	}

	async function rerunConverges(expectedCreated: Write[]): Promise<void> {
		aws.proxy.clearFaults();
		const result = await runCli(setupArgs, {env: aws.env()});

		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).not.toContain('EntityAlreadyExists');
		expect(JSON.parse(result.stdout).created).toEqual(expectedCreated.map(write => change[write]));
		expect((await aws.roleNames()).filter(name => name === roleName)).toEqual([roleName]);
		expect(await attached()).toEqual([billingArn]);
		expect(await inline()).toEqual([inlineName]);
		const saved = readProgress(aws.home).setups[account];
		expect(saved.finished).toBe(true);
		const creates = (saved.changes as Array<{action: string}>).filter(c => c.action === 'iam:CreateRole');
		expect(creates.length).toBeLessThanOrEqual(1);
	}

	// (a) The worst case: the write reaches AWS only after the CLI died, so progress never learns of it.
	describe.each(writes)('kill while %s is in flight, then let it land', action => {
		it('a rerun converges without repeating or duplicating anything', async () => {
			await killWhileHeld(action);
			expect(aws.proxy.release(action)).toBe(1);
			await vi.waitFor(async () => expect(await landed[action](), `${action} to land in moto`).toBe(true), {timeout: 15_000, interval: 25});

			await rerunConverges(writes.slice(writes.indexOf(action) + 1));
		});
	});

	// (b) The write never reaches AWS: it stays parked until the fixture drops it before the next test.
	describe.each(writes)('kill while %s is in flight, and it never lands', action => {
		it('a rerun makes the missing write and the ones after it', async () => {
			await killWhileHeld(action);
			expect(await landed[action]()).toBe(false);

			await rerunConverges(writes.slice(writes.indexOf(action)));
		});
	});

	// The progress file at every read of a fresh setup (the writes are the cases above): a kill while the call is
	// parked must leave no file (before the account is known) or a whole, unfinished one, and the next run must
	// read it and finish. Fresh setup, in order: GetCallerIdentity, then beside the account read GetPolicy and
	// GetPolicyVersion (so nothing is saved yet: no answer was given), GetRole (the read
	// before any write), CreateRole, PutRolePolicy, AttachRolePolicy, GetRole, ListAttachedRolePolicies,
	// ListRolePolicies, GetRolePolicy, AssumeRole. A kill at GetRole holds the first one.
	const reads = [
		{action: 'GetCallerIdentity', file: 'none'},
		{action: 'GetPolicy', file: 'none'},
		{action: 'GetPolicyVersion', file: 'none'},
		{action: 'GetRole', file: 'unfinished'},
		{action: 'ListAttachedRolePolicies', file: 'unfinished'},
		{action: 'ListRolePolicies', file: 'unfinished'},
		{action: 'GetRolePolicy', file: 'unfinished'},
		{action: 'AssumeRole', file: 'unfinished'},
	] as const;

	describe.each(reads)('SIGKILL while $action is in flight', ({action, file: expected}) => {
		it(`leaves ${expected === 'none' ? 'no progress file' : 'a whole, unfinished progress file'}, and the next run reads it and finishes`, async () => {
			await killAt(action);

			const file = progressPath(aws.home);
			if (expected === 'none') {
				expect(existsSync(file)).toBe(false);
			} else {
				const text = readFileSync(file, 'utf8');
				let document: {version?: number; setups?: Record<string, {finished?: boolean}>} = {};
				expect(() => (document = JSON.parse(text)), text).not.toThrow();
				expect(document.version, text).toBe(1);
				expect(document.setups?.[account]?.finished, text).toBe(false);
			}

			aws.proxy.dropHeld();
			const next = await runCli(setupArgs, {env: aws.env()});
			expect(next.stderr).not.toContain('could not be read');
			expect(next.code, next.stderr).toBe(0);
			expect(readdirSync(path.dirname(file)).filter(entry => entry.includes('.corrupt-'))).toEqual([]);
			expect(readProgress(aws.home).setups[account].finished).toBe(true);
			expect(await aws.role(roleName)).toMatchObject({attached: [billingArn], inline: [inlineName]});
		});
	});
});
