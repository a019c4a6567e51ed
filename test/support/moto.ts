// Runs a real moto_server (Python moto 5.x) for integration tests.
//
// Moto facts these helpers rely on (checked against moto 5.2.1 source):
// - INITIAL_NO_AUTH_ACTION_COUNT=N: moto keeps one process-wide counter. Every
//   AWS API request (any service, any caller, including ones that fail, SDK
//   retries, and sts:GetCallerIdentity) increments it while it is below N and
//   is served unauthenticated. From request N+1 on, each request must be signed
//   by the access key of an IAM user (or an assumed role) that exists in moto:
//   the signature is recomputed from the received headers (so Host must be the
//   one that was signed), then the caller's policies are evaluated. The default
//   test keys below are not an IAM user, so they get 403 InvalidClientTokenId
//   once enforcement starts. /moto-api/* calls are not counted.
// - /moto-api/reset wipes all backends but NOT that counter; only
//   POST /moto-api/reset-auth (body: the new N) zeroes it.
// - Once enforced, sts:AssumeRole also requires the target role's trust policy
//   to allow the caller (and the caller's own policy to allow sts:AssumeRole).
//   Without enforcement AssumeRole succeeds for any ARN, even a missing role.

import {spawn, type ChildProcess} from 'node:child_process';
import {createServer} from 'node:net';
import {fileURLToPath} from 'node:url';

export interface Moto {
	endpoint: string;
	port: number;
	/** Environment for a child process (CLI) that should talk to this moto. */
	env: Record<string, string>;
	stop(): Promise<void>;
	/** Wipes all moto state; also restarts the no-auth countdown if one was set. */
	reset(): Promise<void>;
	/** Restarts moto's no-auth countdown with a new N (Infinity disables auth). */
	setNoAuthActionCount(count: number): Promise<void>;
}

export interface StartMotoOptions {
	/** Number of initial requests served without IAM checks; later ones are enforced. */
	noAuthActionCount?: number;
}

// Moto's default account (123456789012) accepts any key while auth is off;
// these are AWS's documented example values, so they can never be real.
export const TEST_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const TEST_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const TEST_REGION = 'us-east-1';

/** Env that points the AWS SDK's IAM and STS clients at `endpoint` with test keys. */
export function awsTestEnv(endpoint: string): Record<string, string> {
	return {
		AWS_ENDPOINT_URL_STS: endpoint,
		AWS_ENDPOINT_URL_IAM: endpoint,
		// The cost check after verify reads Cost Explorer: moto answers it too (never real AWS from a test).
		AWS_ENDPOINT_URL_COST_EXPLORER: endpoint,
		AWS_ENDPOINT_URL_ORGANIZATIONS: endpoint,
		AWS_ENDPOINT_URL_SSO_ADMIN: endpoint,
		AWS_ENDPOINT_URL_IDENTITYSTORE: endpoint,
		AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
		AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
		AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
		AWS_REGION: TEST_REGION,
		// Stops the SDK probing 169.254.169.254 if env credentials are ever missing.
		AWS_EC2_METADATA_DISABLED: 'true',
	};
}

/** An IAM client with moto's admin test keys, for tests to arrange and inspect what is in moto. */
export async function adminIam(moto: Pick<Moto, 'endpoint'>): Promise<import('@aws-sdk/client-iam').IAMClient> {
	// Loaded lazily so startMoto itself needs nothing beyond Node built-ins.
	const {IAMClient} = await import('@aws-sdk/client-iam');
	return new IAMClient({
		endpoint: moto.endpoint,
		region: TEST_REGION,
		credentials: {accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY},
	});
}

const NOT_INSTALLED = 'moto_server not found — install it with: pip install "moto[server]"';
/** moto's server with the StackSet and CloudFormation-role gaps filled (each named in the script), as python3 runs it. */
const MOTO_LAUNCHER = fileURLToPath(new URL('./moto_stacksets.py', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
// moto logs every request to stderr; keep only the tail so long runs don't grow memory.
const STDERR_TAIL_CHARS = 16_384;

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => (port ? resolve(port) : reject(new Error('could not allocate a port'))));
		});
	});
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

class MotoExitedError extends Error {
	readonly addressInUse: boolean;
	constructor(message: string, addressInUse: boolean) {
		super(message);
		this.addressInUse = addressInUse;
	}
}

async function launch(port: number, noAuthActionCount: number | undefined): Promise<ChildProcess> {
	const env: NodeJS.ProcessEnv = { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' };
	if (noAuthActionCount !== undefined) env.INITIAL_NO_AUTH_ACTION_COUNT = String(noAuthActionCount);

	const child = spawn('python3', [MOTO_LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		// Own process group, so stop() can also take down anything moto forks.
		detached: true,
	});

	let stderr = '';
	const keepTail = (chunk: Buffer): void => {
		stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
	};
	// Both pipes must be drained, or moto blocks once a pipe buffer fills up.
	child.stdout?.on('data', keepTail);
	child.stderr?.on('data', keepTail);

	const exited = new Promise<never>((_, reject) => {
		child.once('error', (error: NodeJS.ErrnoException) => {
			reject(error.code === 'ENOENT' ? new Error(NOT_INSTALLED) : error);
		});
		// 'close' rather than 'exit': it waits for the pipes, so stderr is complete.
		child.once('close', (code, signal) => {
			// 127 is what a shell/pyenv shim returns when the command is missing.
			if (code === 127 || /ModuleNotFoundError: No module named 'moto'/.test(stderr)) return reject(new Error(`${NOT_INSTALLED}\n${stderr}`));
			reject(
				new MotoExitedError(
					`moto_server exited early (code ${code}, signal ${signal}):\n${stderr}`,
					/address already in use/i.test(stderr),
				),
			);
		});
	});
	exited.catch(() => {}); // observed via Promise.race below

	const endpoint = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + READY_TIMEOUT_MS;
	const ready = (async () => {
		for (let attempt = 1; Date.now() < deadline; attempt++) {
			try {
				// Any HTTP answer means werkzeug is serving; status doesn't matter.
				await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.arrayBuffer());
				return;
			} catch {
				await sleep(Math.min(50 * attempt, 250));
			}
			if (child.exitCode !== null || child.signalCode !== null) return;
		}
		throw new Error(`moto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms:\n${stderr}`);
	})();

	try {
		await Promise.race([ready, exited]);
	} catch (error) {
		killGroup(child, 'SIGKILL');
		throw error;
	}
	if (child.exitCode !== null || child.signalCode !== null) await exited;
	return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// Already gone.
	}
}

export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
	const { noAuthActionCount } = options;

	let child: ChildProcess | undefined;
	let port = 0;
	// The port is free when probed but could be taken before moto binds it.
	for (let attempt = 1; !child; attempt++) {
		port = await freePort();
		try {
			child = await launch(port, noAuthActionCount);
		} catch (error) {
			if (!(error instanceof MotoExitedError && error.addressInUse && attempt < 3)) throw error;
		}
	}
	const proc = child;

	// A crashed test run must not leave moto servers behind.
	const killOnExit = (): void => killGroup(proc, 'SIGKILL');
	process.once('exit', killOnExit);

	const endpoint = `http://127.0.0.1:${port}`;
	const handle = motoApi(endpoint, noAuthActionCount);
	return {
		...handle,
		async stop() {
			process.removeListener('exit', killOnExit);
			if (proc.exitCode !== null || proc.signalCode !== null) return;
			const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
			killGroup(proc, 'SIGTERM');
			const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), STOP_TIMEOUT_MS);
			await exited;
			clearTimeout(timer);
		},
	};
}

/** Everything of a Moto handle but stop(): its endpoint, the env for it, and the /moto-api calls. */
function motoApi(endpoint: string, noAuthActionCount: number | undefined): Moto {
	const post = async (path: string, body?: string): Promise<void> => {
		const response = await fetch(`${endpoint}${path}`, { method: 'POST', body: body ?? null });
		const text = await response.text();
		if (!response.ok) throw new Error(`POST ${path} failed: ${response.status} ${text}`);
	};

	const setNoAuthActionCount = (count: number): Promise<void> =>
		post('/moto-api/reset-auth', Number.isFinite(count) ? String(count) : 'inf');

	return {
		endpoint,
		port: Number(new URL(endpoint).port),
		env: awsTestEnv(endpoint),
		setNoAuthActionCount,
		async reset() {
			await post('/moto-api/reset');
			// reset wipes the IAM users enforcement would need, so restart the countdown too.
			if (noAuthActionCount !== undefined) await setNoAuthActionCount(noAuthActionCount);
		},
		async stop() {
			// Started by someone else (connectMoto), so it is theirs to stop.
		},
	};
}

/**
 * A handle on a moto_server started elsewhere (the e2e project's global setup shares one among its files):
 * the same as startMoto's, except that stop() leaves the server running.
 */
export function connectMoto(endpoint: string): Moto {
	return motoApi(endpoint, undefined);
}

/**
 * Number of moto API requests createLimitedUser makes (CreateUser, PutUserPolicy,
 * CreateAccessKey). They all use the default test keys, so they must fall inside
 * the no-auth window: noAuthActionCount >= (requests made before) + this.
 */
export const CREATE_LIMITED_USER_CALLS = 3;

export async function createLimitedUser(
	moto: Moto,
	name: string,
	allowedActions: string[],
): Promise<{ accessKeyId: string; secretAccessKey: string; arn: string }> {
	// Loaded lazily so startMoto itself needs nothing beyond Node built-ins.
	const { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } = await import(
		'@aws-sdk/client-iam'
	);
	const iam = new IAMClient({
		endpoint: moto.endpoint,
		region: TEST_REGION,
		credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY },
		// A retry would spend one more request of the no-auth budget and break the count above.
		maxAttempts: 1,
	});
	try {
		const { User } = await iam.send(new CreateUserCommand({ UserName: name }));
		await iam.send(
			new PutUserPolicyCommand({
				UserName: name,
				PolicyName: `${name}-allowed`,
				PolicyDocument: JSON.stringify({
					Version: '2012-10-17',
					// IAM rejects an empty Action list; GetCallerIdentity is always allowed
					// anyway, so it stands in for "nothing" and keeps the call count fixed.
					Statement: [
						{
							Effect: 'Allow',
							Action: allowedActions.length > 0 ? allowedActions : ['sts:GetCallerIdentity'],
							Resource: '*',
						},
					],
				}),
			}),
		);
		const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
		if (!User?.Arn || !AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey) {
			throw new Error(`moto returned an incomplete user/access key for ${name}`);
		}
		return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey, arn: User.Arn };
	} finally {
		iam.destroy();
	}
}
