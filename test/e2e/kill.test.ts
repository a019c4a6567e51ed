/**
 * Kill at every boundary: the CLI is SIGKILLed while one of its AWS writes is parked in the fault
 * proxy, or at arbitrary moments of a run, and the next run must converge to exactly one role
 * with each policy once, from whatever the progress file and AWS say.
 */
import {spawn} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {
	IAMClient,
	ListAttachedRolePoliciesCommand,
	ListRolePoliciesCommand,
	ListRolesCommand,
} from '@aws-sdk/client-iam';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {cleanEnv, cliPath, progressPath, readProgress, runCli, tempConfigHome} from '../support/cli.js';
import {startFaultProxy, type FaultProxy} from '../support/fault-proxy.js';
import {adminIam, startMoto, type Moto} from '../support/moto.js';

const account = '123456789012';
const roleName = 'BillingAccess';
const roleArn = `arn:aws:iam::${account}:role/${roleName}`;
const billingArn = 'arn:aws:iam::aws:policy/job-function/Billing';
const inlineName = 'BillingSetupCostExplorerRead';

type Write = 'CreateRole' | 'AttachRolePolicy' | 'PutRolePolicy';

const change = {
	CreateRole: {action: 'iam:CreateRole', target: roleArn},
	AttachRolePolicy: {action: 'iam:AttachRolePolicy', target: billingArn},
	PutRolePolicy: {action: 'iam:PutRolePolicy', target: `${roleArn}/${inlineName}`},
} as const;
const writes: Write[] = ['CreateRole', 'AttachRolePolicy', 'PutRolePolicy'];

interface Started {
	exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
	stderr(): string;
	kill(): Promise<NodeJS.Signals | null>;
}

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

/** Polls until `check` holds: used to wait for a released write to land in moto. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

describe('Kill at every boundary', () => {
	let moto: Moto;
	let proxy: FaultProxy;
	let iam: IAMClient;
	let home: string;

	beforeAll(async () => {
		moto = await startMoto();
		proxy = await startFaultProxy(moto.endpoint, moto.env);
		iam = await adminIam(moto);
	}, 30_000);

	afterAll(async () => {
		iam?.destroy();
		// Drops the requests that the "kill, never release" cases left parked.
		await proxy?.close();
		await moto?.stop();
	});

	beforeEach(async () => {
		await moto.reset();
		proxy.clearFaults();
		proxy.calls.length = 0;
		home = tempConfigHome();
	});

	afterEach(() => {
		rmSync(home, {recursive: true, force: true});
	});

	const env = (): NodeJS.ProcessEnv => cleanEnv({...proxy.env, XDG_CONFIG_HOME: home});

	async function roleNames(): Promise<string[]> {
		const {Roles = []} = await iam.send(new ListRolesCommand({}));
		return Roles.map(role => role.RoleName ?? '');
	}
	async function attached(): Promise<string[]> {
		const {AttachedPolicies = []} = await iam.send(new ListAttachedRolePoliciesCommand({RoleName: roleName}));
		return AttachedPolicies.map(policy => policy.PolicyArn ?? '');
	}
	async function inline(): Promise<string[]> {
		const {PolicyNames = []} = await iam.send(new ListRolePoliciesCommand({RoleName: roleName}));
		return PolicyNames;
	}

	/** Whether the write a killed run left behind has been applied by moto. */
	const landed: Record<Write, () => Promise<boolean>> = {
		CreateRole: async () => (await roleNames()).includes(roleName),
		AttachRolePolicy: async () => (await attached()).includes(billingArn),
		PutRolePolicy: async () => (await inline()).includes(inlineName),
	};

	/** Starts a setup, waits until `action` is parked in the proxy, then SIGKILLs the CLI. */
	async function killWhileHeld(action: Write): Promise<void> {
		proxy.fault(action, {kind: 'hold'}, 1);
		const cli = startCli(['--yes', '--json'], env());
		const exitedEarly = cli.exited.then(({code}) => {
			throw new Error(`the CLI exited (${code}) before sending ${action}:\n${cli.stderr()}`);
		});
		await Promise.race([proxy.waitForHeld(action), exitedEarly]);
		expect(await cli.kill()).toBe('SIGKILL');
		// Progress stops just before the write: it knows the earlier writes and not this one.
		const recorded = (readProgress(home).setups[account].changes as Array<{action: string}>).map(c => c.action);
		expect(recorded).toEqual(writes.slice(0, writes.indexOf(action)).map(write => change[write].action));
	}

	async function rerunConverges(expectedCreated: Write[]): Promise<void> {
		proxy.clearFaults();
		const result = await runCli(['--yes', '--json'], {env: env()});

		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).not.toContain('EntityAlreadyExists');
		expect(JSON.parse(result.stdout).created).toEqual(expectedCreated.map(write => change[write]));
		expect((await roleNames()).filter(name => name === roleName)).toEqual([roleName]);
		expect(await attached()).toEqual([billingArn]);
		expect(await inline()).toEqual([inlineName]);
		const saved = readProgress(home).setups[account];
		expect(saved.finished).toBe(true);
		const creates = (saved.changes as Array<{action: string}>).filter(c => c.action === 'iam:CreateRole');
		expect(creates.length).toBeLessThanOrEqual(1);
	}

	// (a) The worst case: the write reaches AWS only after the CLI died, so progress never learns of it.
	describe.each(writes)('kill while %s is in flight, then let it land', action => {
		it('a rerun converges without repeating or duplicating anything', async () => {
			await killWhileHeld(action);
			expect(proxy.release(action)).toBe(1);
			await until(`${action} to land in moto`, landed[action]);

			await rerunConverges(writes.slice(writes.indexOf(action) + 1));
		});
	});

	// (b) The write never reaches AWS. The proxy cannot drop a single parked request, so it stays parked
	// (never released) until proxy.close() drops it. These run after every (a) case, and each action is
	// parked at most once here, so no later waitForHeld/release can see a stale request.
	describe.each(writes)('kill while %s is in flight, and it never lands', action => {
		it('a rerun makes the missing write and the ones after it', async () => {
			await killWhileHeld(action);
			expect(await landed[action]()).toBe(false);

			await rerunConverges(writes.slice(writes.indexOf(action)));
		});
	});

	// conf writes progress.json atomically (temp file + rename), so a kill at any moment leaves either no
	// file or a whole one. Each run is paused at GetCallerIdentity (progress is first written right after
	// it answers), let go, then killed 0–300 ms later: that spans every progress write of the run.
	it('leaves a whole progress file (or none) whenever the CLI is SIGKILLed, and the next run reads it', async () => {
		const iterations = 15;
		const outcomes: string[] = [];
		for (let i = 0; i < iterations; i++) {
			const iterationHome = tempConfigHome();
			const runEnv = cleanEnv({...proxy.env, XDG_CONFIG_HOME: iterationHome});
			const name = `KillTest${i}`;
			const delay = Math.round((i * 300) / (iterations - 1));
			try {
				proxy.fault('GetCallerIdentity', {kind: 'hold'}, 1);
				const cli = startCli(['--yes', '--json', '--role-name', name], runEnv);
				const exitedEarly = cli.exited.then(({code}) => {
					throw new Error(`the CLI exited (${code}) before GetCallerIdentity:\n${cli.stderr()}`);
				});
				await Promise.race([proxy.waitForHeld('GetCallerIdentity'), exitedEarly]);
				proxy.release('GetCallerIdentity');
				await Promise.race([new Promise(resolve => setTimeout(resolve, delay)), cli.exited]);
				await cli.kill();

				const file = progressPath(iterationHome);
				if (existsSync(file)) {
					const text = readFileSync(file, 'utf8');
					const context = `progress.json after a kill at ${delay} ms:\n${text}`;
					let document: {version?: number; setups?: Record<string, {finished?: boolean}>} = {};
					expect(() => (document = JSON.parse(text)), context).not.toThrow();
					expect(document.version, context).toBe(1);
					outcomes.push(document.setups?.[account]?.finished ? 'finished' : 'partial');
				} else {
					outcomes.push('none');
				}

				const next = await runCli(['--yes', '--json', '--role-name', name], {env: runEnv});
				expect(next.stderr, `after a kill at ${delay} ms`).not.toContain('could not be used');
				expect(next.code, `after a kill at ${delay} ms:\n${next.stderr}`).toBe(0);
				expect(readdirSync(path.dirname(file)).filter(entry => entry.includes('.corrupt-'))).toEqual([]);
				expect(readProgress(iterationHome).setups[account].finished).toBe(true);
			} finally {
				rmSync(iterationHome, {recursive: true, force: true});
			}
		}
		// Proves the kills landed while progress was being written, not only before or after the run.
		expect(outcomes, outcomes.join(', ')).toContain('partial');
	}, 60_000);
});
