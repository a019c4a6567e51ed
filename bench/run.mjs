// `npm run bench`: startup, time-to-identity, AWS call counts and package size of billing-setup,
// each timing a median of several runs next to a baseline measured in the same run.
// A report, not a test: exits 0 when targets are missed, non-zero only when the bench itself breaks.
//
//   BENCH_RUNS=N          timed runs per measure (default 11, at least 7); one warm-up run each is not counted.
//   BENCH_LATENCY_RUNS=N  runs of each latency scenario per delay (default 3, median).
//   BENCH_ONLY=a,b        only these measures: version, frame, identity, calls, latency, package.
import {execFileSync, spawn} from 'node:child_process';
import {accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {startMoto} from './moto.mjs';
import {startCountingProxy} from './proxy.mjs';

const project = fileURLToPath(new URL('..', import.meta.url));
// Everything runs from a private copy of the built package (package.json + dist/), taken at start:
// other processes on this checkout (tests) rebuild dist/ and would delete chunks under a running bench.
let root;
let cli;
const ptyHelper = fileURLToPath(new URL('pty_frame.py', import.meta.url));
const node = process.execPath;
const RUNS = Math.max(7, Number(process.env.BENCH_RUNS) || 11);
const WATCHDOG_MS = 360_000;
const LATENCY_RUNS = Math.max(1, Number(process.env.BENCH_LATENCY_RUNS) || 3);
/** What a far-away AWS endpoint adds to each request: IAM is one global endpoint, 100–300 ms away from most places. */
const DELAY_MS = 150;
const only = process.env.BENCH_ONLY?.split(',');
const ACCOUNT = '123456789012'; // moto's default account

// ---------------------------------------------------------------- plumbing

const cleanups = [];
const tempDirs = [];
const benchTmp = mkdtempSync(path.join(os.tmpdir(), 'billing-setup-bench-'));
tempDirs.push(benchTmp);
let tempCounter = 0;
function tempDir(prefix) {
	const dir = path.join(benchTmp, `${prefix}-${tempCounter++}`);
	mkdirSync(dir, {recursive: true});
	return dir;
}

const log = line => process.stderr.write(`${line}\n`);
const median = values => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms, digits = 1) => (ms === undefined ? '-' : ms.toFixed(digits));

/** The parent's env without real AWS settings, CI markers, colour switches or config home. */
function cleanEnv(extra = {}) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		// npm_* / INIT_CWD come from `npm run bench` (npm_config_local_prefix would point nested npm commands at the checkout).
		if (/^(AWS_|CI$|CI_|NO_COLOR$|FORCE_COLOR$|XDG_CONFIG_HOME$|NODE_OPTIONS$|NODE_COMPILE_CACHE$|npm_|INIT_CWD$)/i.test(key)) continue;
		env[key] = value;
	}
	env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
	env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
	env.AWS_EC2_METADATA_DISABLED = 'true';
	return {...env, ...extra};
}

function awsEnv(endpoint) {
	return {
		AWS_ENDPOINT_URL_STS: endpoint,
		AWS_ENDPOINT_URL_IAM: endpoint,
		AWS_ENDPOINT_URL_COST_EXPLORER: endpoint,
		AWS_ENDPOINT_URL_ORGANIZATIONS: endpoint,
		AWS_ENDPOINT_URL_SSO_ADMIN: endpoint,
		AWS_ENDPOINT_URL_IDENTITYSTORE: endpoint,
		AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
		AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
		AWS_REGION: 'us-east-1',
		AWS_DEFAULT_REGION: 'us-east-1', // the AWS CLI reads this one
	};
}

/** Spawns a command and times spawn → exit with process.hrtime. */
function run(command, args, {env, cwd, timeoutMs = 60_000} = {}) {
	return new Promise((resolve, reject) => {
		const start = process.hrtime.bigint();
		const child = spawn(command, args, {env, cwd, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		let ms;
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('error', error => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('exit', () => (ms = Number(process.hrtime.bigint() - start) / 1e6));
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ms, code, signal, stdout, stderr});
		});
	});
}

function ensureOk(result, what) {
	if (result.code !== 0) {
		throw new Error(`${what} exited ${result.code ?? result.signal}:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
	}
	return result;
}

/** Times the pty helper's measure (its own clock, started just before the child is spawned). */
async function ptyRun(python, mode, command, {env, pattern, timeoutS = 20} = {}) {
	const args = [ptyHelper, '--mode', mode, '--timeout', String(timeoutS), ...(pattern ? ['--pattern', pattern] : []), '--', ...command];
	const result = await run(python, args, {env, timeoutMs: (timeoutS + 10) * 1000});
	let parsed;
	try {
		parsed = JSON.parse(result.stdout.trim().split('\n').pop());
	} catch {
		throw new Error(`pty helper printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
	}
	if (parsed.error) throw new Error(`pty helper: ${parsed.error}\nscreen: ${parsed.text}`);
	return parsed;
}

/**
 * Warms each side up once, then runs measure and baseline RUNS times, alternating which goes first
 * so drift (CPU frequency, page cache) hits both equally.
 */
async function pair(measureFn, baselineFn) {
	await measureFn();
	await baselineFn();
	const measure = [];
	const baseline = [];
	for (let i = 0; i < RUNS; i++) {
		if (i % 2 === 0) {
			measure.push(await measureFn());
			baseline.push(await baselineFn());
		} else {
			baseline.push(await baselineFn());
			measure.push(await measureFn());
		}
	}
	return {measure, baseline};
}

async function series(fn) {
	await fn();
	const samples = [];
	for (let i = 0; i < RUNS; i++) samples.push(await fn());
	return samples;
}

function which(command) {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		const candidate = path.join(dir, command);
		try {
			accessSync(candidate, constants.X_OK);
			if (statSync(candidate).isFile()) return candidate;
		} catch {
			// not here
		}
	}
	return undefined;
}

function dirBytes(dir) {
	let bytes = 0;
	let files = 0;
	for (const entry of readdirSync(dir, {withFileTypes: true, recursive: true})) {
		if (entry.isFile()) {
			bytes += statSync(path.join(entry.parentPath, entry.name)).size;
			files++;
		}
	}
	return {bytes, files};
}

const kB = bytes => `${(bytes / 1024).toFixed(1)} kB`;
const MB = bytes => `${(bytes / 1e6).toFixed(2)} MB`;

// ---------------------------------------------------------------- the measures

const timings = []; // {measure, samples, baseline, baselineName, target (ratio), note}
const others = []; // {measure, value, target, pass}
const sections = [];

async function benchVersion() {
	log('· --version vs node -e 0');
	const env = cleanEnv();
	const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
	const out = ensureOk(await run(node, [cli, '--version'], {env}), '--version');
	if (out.stdout.trim() !== version) throw new Error(`--version printed ${JSON.stringify(out.stdout)}, expected ${version}`);
	const {measure, baseline} = await pair(
		async () => ensureOk(await run(node, [cli, '--version'], {env}), '--version').ms,
		async () => ensureOk(await run(node, ['-e', '0'], {env}), 'node -e 0').ms,
	);
	timings.push({measure: 'billing-setup --version', samples: measure, baseline, baselineName: 'node -e 0', target: 1.5});
}

async function benchFirstFrame(python, moto) {
	log('· first frame in a pty vs node -e 0 (pty)');
	const envFor = extra => cleanEnv({...awsEnv(moto.endpoint), XDG_CONFIG_HOME: tempDir('xdg'), TERM: 'xterm-256color', ...extra});
	let firstText;
	const frame = async extra => {
		const result = await ptyRun(python, 'first-frame', [node, cli], {env: envFor(extra)});
		firstText ??= result.text;
		return result.ms;
	};
	const baseline = async () => (await ptyRun(python, 'exit', [node, '-e', '0'], {env: cleanEnv()})).ms;
	const {measure, baseline: base} = await pair(() => frame({}), baseline);
	timings.push({
		measure: 'first frame (pty, `billing-setup`)',
		samples: measure,
		baseline: base,
		baselineName: 'node -e 0 in the pty',
		target: 2.5,
		note: `first visible text: “${firstText}”`,
	});
	// Informational: a first-ever run (fresh NODE_COMPILE_CACHE), e.g. right after `npx` installed it.
	const cold = await series(() => frame({NODE_COMPILE_CACHE: tempDir('compile-cache')}));
	timings.push({
		measure: 'first frame, cold compile cache (info)',
		samples: cold,
		baseline: base,
		baselineName: 'node -e 0 in the pty',
	});
}

async function awsCli() {
	// The target names AWS CLI v2 (Debian's awscli package); BENCH_AWS picks it when another aws comes first on PATH.
	const found = process.env.BENCH_AWS ?? which('aws');
	if (!found) return undefined;
	let resolved = found;
	// A pyenv shim is a bash script that execs pyenv; time the real entry point, not the shim.
	if (/pyenv/.test(readFileSync(found, 'utf8').slice(0, 2000))) {
		try {
			resolved = execFileSync('pyenv', ['which', 'aws'], {encoding: 'utf8'}).trim() || found;
		} catch {
			// keep the shim
		}
	}
	const version = execFileSync(resolved, ['--version'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
		|| '(unknown)';
	return {shim: found, path: resolved, version};
}

async function benchIdentity(python, moto, aws) {
	log('· time until the identity is shown vs aws sts get-caller-identity');
	const statusEnv = () => cleanEnv({...awsEnv(moto.endpoint), XDG_CONFIG_HOME: tempDir('xdg')});
	const status = async () => {
		const result = ensureOk(await run(node, [cli, 'status', '--json'], {env: statusEnv()}), 'status --json');
		const current = JSON.parse(result.stdout).currentAccount;
		if (current !== ACCOUNT) throw new Error(`status --json showed currentAccount ${current}, expected ${ACCOUNT}:\n${result.stderr}`);
		return result.ms;
	};
	let screenText;
	const screen = async () => {
		const env = cleanEnv({...awsEnv(moto.endpoint), XDG_CONFIG_HOME: tempDir('xdg'), TERM: 'xterm-256color'});
		const result = await ptyRun(python, 'match', [node, cli], {env, pattern: ACCOUNT});
		screenText ??= result.text;
		return result.ms;
	};
	if (!aws) {
		const samples = await series(status);
		timings.push({measure: 'identity: `status --json`', samples, baselineName: 'aws not on PATH', target: 0.3});
		timings.push({measure: 'identity: wizard screen (pty)', samples: await series(screen), baselineName: 'aws not on PATH', target: 0.3});
		return;
	}
	const awsEnvFor = cleanEnv(awsEnv(moto.endpoint));
	const awsCall = async (bin = aws.path) => {
		const result = ensureOk(
			await run(bin, ['sts', 'get-caller-identity', '--endpoint-url', moto.endpoint, '--output', 'json'], {env: awsEnvFor}),
			'aws sts get-caller-identity',
		);
		if (JSON.parse(result.stdout).Account !== ACCOUNT) throw new Error(`aws printed ${result.stdout}`);
		return result.ms;
	};
	const baselineName = `aws sts get-caller-identity (${aws.version.split(' ')[0]})`;
	const {measure, baseline} = await pair(status, () => awsCall());
	timings.push({measure: 'identity: `status --json`', samples: measure, baseline, baselineName, target: 0.3});
	const {measure: screenSamples, baseline: baseline2} = await pair(screen, () => awsCall());
	timings.push({
		measure: 'identity: wizard screen (pty)',
		samples: screenSamples,
		baseline: baseline2,
		baselineName,
		target: 0.3,
		note: `screen when ${ACCOUNT} appeared: “${screenText?.slice(-160)}”`,
	});
	if (aws.shim !== aws.path) {
		const shim = await series(() => awsCall(aws.shim));
		timings.push({measure: '(info) `aws` via its pyenv shim', samples: shim, baseline, baselineName});
	}
}

const WRITE = /^(Create|Attach|Put|Update|Delete|Detach|Tag|Untag|Add|Remove|Set|Upload)/;
const describeCalls = calls => calls.map(call => (call.outcome === 'ok' ? call.action : `${call.action}[${call.outcome}${call.status ? ' ' + call.status : ''}]`)).join(', ');

async function benchCalls(moto) {
	log('· AWS calls: full setup / resume / re-run');
	const proxy = await startCountingProxy(moto.endpoint);
	const closeProxy = () => proxy.close();
	cleanups.push(closeProxy);
	const setup = async configHome => {
		const result = await run(node, [cli, '--yes', '--json'], {
			env: cleanEnv({...awsEnv(proxy.endpoint), XDG_CONFIG_HOME: configHome}),
		});
		let json;
		try {
			json = JSON.parse(result.stdout);
		} catch {
			// reported below
		}
		return {...result, json, calls: proxy.take()};
	};

	// Full setup from nothing.
	await moto.reset();
	proxy.take();
	const full = await setup(tempDir('xdg'));
	if (full.code !== 0 || !full.json?.ok) throw new Error(`full setup failed (exit ${full.code}):\n${full.stdout}\n${full.stderr}`);
	const fullWrites = full.calls.filter(call => WRITE.test(call.action));

	// Resume: PutRolePolicy's connection is dropped (SDK retries included) so the run stops after CreateRole + Attach.
	await moto.reset();
	proxy.take();
	const home = tempDir('xdg');
	proxy.resetActions.add('PutRolePolicy');
	const interrupted = await setup(home);
	proxy.resetActions.clear();
	const doneBefore = interrupted.calls.filter(call => WRITE.test(call.action) && call.outcome === 'ok');
	if (interrupted.code === 0 || !doneBefore.some(call => call.action === 'CreateRole')) {
		throw new Error(`the interrupted setup did not stop after CreateRole (exit ${interrupted.code}); calls: ${describeCalls(interrupted.calls)}\n${interrupted.stderr}`);
	}
	const resumed = await setup(home);
	if (resumed.code !== 0 || !resumed.json?.ok) throw new Error(`resumed setup failed (exit ${resumed.code}):\n${resumed.stdout}\n${resumed.stderr}`);
	const doneActions = new Set(doneBefore.map(call => call.action));
	const repeated = resumed.calls.filter(call => WRITE.test(call.action) && doneActions.has(call.action));

	// Re-run on a finished setup: should only read.
	const rerun = await setup(home);
	if (rerun.code !== 0 || !rerun.json?.ok) throw new Error(`re-run failed (exit ${rerun.code}):\n${rerun.stdout}\n${rerun.stderr}`);
	const rerunWrites = rerun.calls.filter(call => WRITE.test(call.action));

	cleanups.splice(cleanups.indexOf(closeProxy), 1);
	await proxy.close();

	// 19, not the first landing's 10: one read of the role before any write, the guard's PutRolePolicy, verify
	// reads both inline policies' content, the cost check's GetCostAndUsage, and the account read after identity:
	// DescribeOrganization, ListInstances, ListGroups, ListUsers (whether Identity Center has people to offer a
	// permission set to). An IAM user or role as caller adds SimulatePrincipalPolicy (20); moto's caller is neither.
	others.push({measure: 'AWS calls, full setup (`--yes --json`)', value: `${full.calls.length} (${fullWrites.length} writes)`, target: '≤ 19', pass: full.calls.length <= 19});
	others.push({measure: 'AWS calls, interrupted setup (PutRolePolicy reset)', value: `${interrupted.calls.length} (exit ${interrupted.code})`, target: '-', pass: undefined});
	others.push({measure: 'AWS calls, resume: writes repeated', value: `${repeated.length} of ${resumed.calls.length} calls`, target: '0 repeated', pass: repeated.length === 0});
	others.push({measure: 'AWS calls, re-run of a finished setup: writes', value: `${rerunWrites.length} of ${rerun.calls.length} calls`, target: '0 (flag)', pass: rerunWrites.length === 0});
	sections.push(
		[
			'AWS calls (through the counting proxy; [outcome] marks calls that did not succeed):',
			`  full setup      ${full.calls.length} calls (${fullWrites.length} writes): ${describeCalls(full.calls)}`,
			`  interrupted     ${interrupted.calls.length} calls, exit ${interrupted.code} (PutRolePolicy connection reset): ${describeCalls(interrupted.calls)}`,
			`  resume          ${resumed.calls.length} calls, ${repeated.length} repeated writes${repeated.length ? ' (' + describeCalls(repeated) + ')' : ''}: ${describeCalls(resumed.calls)}`,
			`                  created this run: ${resumed.json.created.map(change => change.action).join(', ') || 'nothing'}`,
			`  re-run          ${rerun.calls.length} calls, ${rerunWrites.length} writes${rerunWrites.length ? ' (' + describeCalls(rerunWrites) + ') ⚠' : ''}: ${describeCalls(rerun.calls)}`,
			`                  alreadyInPlace: ${rerun.json.alreadyInPlace}`,
		].join('\n'),
	);
}

/** Both kinds of thing a setup makes, each with what moto needs before it runs. */
const latencyTargets = [
	{name: 'role', args: [], arrange: async () => {}},
	{
		name: 'permission set',
		// AWSBillingReadOnlyAccess: moto cannot attach job-function/Billing to a permission set (PITFALLS.md).
		args: ['--via', 'identity-center', '--assign', 'group:Finance', '--access', 'read-only'],
		async arrange(endpoint) {
			const [{SSOAdminClient, ListInstancesCommand}, {IdentitystoreClient, CreateGroupCommand}] = await Promise.all([
				import('@aws-sdk/client-sso-admin'),
				import('@aws-sdk/client-identitystore'),
			]);
			const env = awsEnv(endpoint);
			const config = {endpoint, region: env.AWS_REGION, credentials: {accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY}};
			const admin = new SSOAdminClient(config);
			const store = new IdentitystoreClient(config);
			try {
				const [instance] = (await admin.send(new ListInstancesCommand({}))).Instances ?? [];
				await store.send(new CreateGroupCommand({IdentityStoreId: instance.IdentityStoreId, DisplayName: 'Finance'}));
			} finally {
				admin.destroy();
				store.destroy();
			}
		},
	},
];

/** Calls grouped by when they were sent: with a delay on each, a call sent well after another waited for it. */
function waves(calls) {
	const grouped = [];
	for (const call of calls) {
		const last = grouped.at(-1);
		if (last && call.at - last[0].at < DELAY_MS / 2) last.push(call);
		else grouped.push([call]);
	}
	return grouped;
}

/** A setup's life, in order, on one config home: each must exit 0. */
const latencyScenarios = [
	{name: 'full setup', args: target => ['--yes', '--json', ...target.args], target: '≤ 10'},
	{name: 're-run', args: target => ['--yes', '--json', ...target.args], target: '≤ 4'},
	{name: 'status', args: () => ['status', '--json'], target: '-'},
	{name: 'undo', args: () => ['undo', '--yes', '--json'], target: '-'},
];

/**
 * Round trips on the critical path: each scenario without and with DELAY_MS added to every request by the proxy;
 * (wall with − wall without) / DELAY_MS counts the requests that waited for one another, whatever runs beside them.
 */
async function benchLatency(moto) {
	log(`· round trips on the critical path: full setup, re-run, status, undo, with and without ${DELAY_MS} ms per request`);
	const proxy = await startCountingProxy(moto.endpoint);
	const closeProxy = () => proxy.close();
	cleanups.push(closeProxy);
	for (const target of latencyTargets) {
		const samples = latencyScenarios.map(() => ({0: [], [DELAY_MS]: [], calls: [], maxInFlight: 0}));
		for (let index = 0; index < LATENCY_RUNS * 2; index++) {
			// Alternating which delay goes first, so drift hits both alike.
			const delay = (index + (index >> 1)) % 2 === 0 ? 0 : DELAY_MS;
			await moto.reset();
			await target.arrange(moto.endpoint);
			const home = tempDir('xdg');
			// moto has no ListTagsForResource for permission sets: answer what billing-setup tagged at create.
			proxy.answers.set('ListTagsForResource', () => {
				const setup = Object.values(JSON.parse(readFileSync(path.join(home, 'billing-setup', 'progress.json'), 'utf8')).setups)[0];
				return JSON.stringify({Tags: [{Key: 'ManagedBy', Value: 'billing-setup'}, {Key: 'BillingSetupId', Value: setup.setupId}]});
			});
			proxy.delayMs = delay;
			for (const [at, scenario] of latencyScenarios.entries()) {
				proxy.take();
				const result = await run(node, [cli, ...scenario.args(target)], {env: cleanEnv({...awsEnv(proxy.endpoint), XDG_CONFIG_HOME: home})});
				ensureOk(result, `${target.name} ${scenario.name} with ${delay} ms per request`);
				samples[at][delay].push(result.ms);
				if (delay) samples[at].calls = [...proxy.calls];
				samples[at].maxInFlight = Math.max(samples[at].maxInFlight, proxy.maxInFlight);
			}
		}
		for (const [at, scenario] of latencyScenarios.entries()) {
			const {0: plain, [DELAY_MS]: delayed, calls, maxInFlight} = samples[at];
			const roundTrips = (median(delayed) - median(plain)) / DELAY_MS;
			const limit = scenario.target === '-' ? undefined : Number(scenario.target.slice(2));
			others.push({
				measure: `round trips, ${target.name}: ${scenario.name}`,
				value: `${roundTrips.toFixed(1)} (${fmt(median(plain), 0)} → ${fmt(median(delayed), 0)} ms; ${calls.length} calls, ≤ ${maxInFlight} at once)`,
				target: scenario.target,
				pass: limit === undefined ? undefined : Math.round(roundTrips) <= limit,
			});
		}
		sections.push(
			[
				`Waves of calls, ${target.name} (with ${DELAY_MS} ms per request; calls sent within ${DELAY_MS / 2} ms of each other share a line's wave, split by |):`,
				...latencyScenarios.map((scenario, at) => `  ${scenario.name.padEnd(10)} ${waves(samples[at].calls).length} waves: ${waves(samples[at].calls).map(describeCalls).join(' | ')}`),
			].join('\n'),
		);
	}
	proxy.answers.clear();
	cleanups.splice(cleanups.indexOf(closeProxy), 1);
	await proxy.close();
}

async function benchPackage() {
	log('· npm pack --dry-run, npm install <tarball>');
	const npm = which('npm') ?? 'npm';
	const env = cleanEnv({npm_config_update_notifier: 'false'});
	const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	const runtimeDeps = ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']
		.flatMap(field => Object.keys(pkg[field] ?? {}).map(name => `${field}:${name}`));

	// dist/ was just built by `npm run bench`; --ignore-scripts keeps `prepare` from rebuilding it.
	const dry = ensureOk(await run(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {env, cwd: root}), 'npm pack --dry-run');
	const [packed] = JSON.parse(dry.stdout);
	const dist = dirBytes(path.join(root, 'dist'));
	const chunks = readdirSync(path.join(root, 'dist', 'chunks'))
		.map(name => ({name, bytes: statSync(path.join(root, 'dist', 'chunks', name)).size}))
		.sort((a, b) => b.bytes - a.bytes);

	const packDir = tempDir('pack');
	const real = JSON.parse(ensureOk(await run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {env, cwd: root}), 'npm pack').stdout)[0];
	const tarball = path.join(packDir, real.filename);

	const installs = [];
	let installed;
	for (let i = 0; i < 3; i++) {
		const dir = tempDir('install'); // empty folder
		// --prefix pins the install to this folder even if an ancestor (e.g. /) has a stray node_modules/.
		const result = ensureOk(
			await run(npm, ['install', tarball, '--no-audit', '--no-fund', '--prefix', dir], {env, cwd: dir, timeoutMs: 60_000}),
			'npm install <tarball>',
		);
		installs.push(result.ms);
		installed = dirBytes(path.join(dir, 'node_modules'));
		installed.du = Number(execFileSync('du', ['-sb', path.join(dir, 'node_modules')], {encoding: 'utf8'}).split(/\s/)[0]);
		installed.packages = readdirSync(path.join(dir, 'node_modules')).filter(name => !name.startsWith('.'));
		const version = ensureOk(await run(path.join(dir, 'node_modules', '.bin', 'billing-setup'), ['--version'], {env}), 'installed billing-setup --version');
		installed.version = version.stdout.trim();
	}

	others.push({measure: 'packed tarball (`npm pack --dry-run`)', value: `${MB(packed.size)} (${packed.size} B, ${packed.entryCount} files)`, target: '≤ 1.5 MB', pass: packed.size <= 1.5e6});
	others.push({measure: 'runtime dependencies', value: runtimeDeps.length ? runtimeDeps.join(', ') : 'none', target: 'none', pass: runtimeDeps.length === 0});
	others.push({measure: 'dist/ size', value: `${MB(dist.bytes)} (${dist.bytes} B, ${dist.files} files)`, target: '-', pass: undefined});
	others.push({measure: 'installed size (`du -sb node_modules`)', value: `${MB(installed.du)} (${installed.files} files; ${installed.packages.join(', ')})`, target: '-', pass: undefined});
	others.push({measure: 'npm install <tarball>, wall time (median of 3)', value: `${fmt(median(installs), 0)} ms (${installs.map(ms => fmt(ms, 0)).join(', ')})`, target: '-', pass: undefined});
	sections.push(
		[
			'Package:',
			`  tarball ${real.filename}: ${packed.size} B packed, ${packed.unpackedSize} B unpacked, ${packed.entryCount} files`,
			`  dist/: ${dist.bytes} B in ${dist.files} files; largest chunks: ${chunks.slice(0, 5).map(c => `${c.name} ${kB(c.bytes)}`).join(', ')}`,
			`  installed node_modules: ${installed.du} B (du -sb); ${installed.packages.length} package(s): ${installed.packages.join(', ')}; installed bin --version → ${installed.version}`,
		].join('\n'),
	);
}

function machine(aws) {
	let cpu = os.cpus()[0]?.model ?? 'unknown';
	try {
		cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
	} catch {
		// not Linux
	}
	let moto = 'unknown';
	try {
		moto = execFileSync('python3', ['-c', 'import moto; print(moto.__version__)'], {encoding: 'utf8'}).trim();
	} catch {
		// ignore
	}
	let npmVersion = 'unknown';
	try {
		npmVersion = execFileSync(which('npm') ?? 'npm', ['--version'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
	} catch {
		// ignore
	}
	return [
		`Date: ${new Date().toISOString()}`,
		`Machine: ${cpu}; ${os.availableParallelism()} CPUs (nproc); ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM; ${os.type()} ${os.release()} ${os.arch()}`,
		`Node ${process.version}; npm ${npmVersion}; moto ${moto}; AWS CLI: ${aws ? `${aws.version} at ${aws.path}` : 'not on PATH'}`,
		`Load average (1/5/15 min) at start: ${loadAtStart.map(n => n.toFixed(2)).join(' ')}; at end: ${os.loadavg().map(n => n.toFixed(2)).join(' ')}`,
		`Runs per measure: ${RUNS} timed (median) after 1 warm-up; measure and baseline interleaved.`,
	].join('\n');
}

function report(aws) {
	const rows = [['measure', 'median ms', 'baseline ms', 'ratio', 'target', 'result']];
	for (const t of timings) {
		const m = median(t.samples);
		const b = t.baseline ? median(t.baseline) : undefined;
		const ratio = b ? m / b : undefined;
		const result = t.target === undefined ? 'info' : ratio === undefined ? 'n/a' : ratio <= t.target ? 'PASS' : 'MISS';
		rows.push([t.measure, fmt(m), b === undefined ? '-' : `${fmt(b)} (${t.baselineName})`, ratio === undefined ? '-' : `${ratio.toFixed(2)}×`, t.target === undefined ? '-' : `≤ ${t.target}×`, result]);
	}
	const table = list => {
		const widths = list[0].map((_, i) => Math.max(...list.map(row => String(row[i]).length)));
		const line = row => `| ${row.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ')} |`;
		return [line(list[0]), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...list.slice(1).map(line)].join('\n');
	};
	const other = [['measure', 'value', 'target', 'result'], ...others.map(o => [o.measure, o.value, o.target, o.pass === undefined ? 'info' : o.pass ? 'PASS' : 'MISS'])];
	const samples = timings
		.map(t => `  ${t.measure}: ${t.samples.map(ms => fmt(ms, 0)).join(' ')}${t.baseline ? ` | baseline: ${t.baseline.map(ms => fmt(ms, 0)).join(' ')}` : ''}${t.note ? `\n    ${t.note}` : ''}`)
		.join('\n');
	return [
		machine(aws),
		'',
		table(rows),
		'',
		table(other),
		'',
		'Samples (ms):',
		samples,
		'',
		...sections.flatMap(section => [section, '']),
	].join('\n');
}

// ---------------------------------------------------------------- main

async function cleanup() {
	for (const fn of cleanups.reverse()) {
		try {
			await fn();
		} catch {
			// best effort
		}
	}
	cleanups.length = 0;
	for (const dir of tempDirs) rmSync(dir, {recursive: true, force: true});
}

/** Copies package.json + dist/ (what `files` publishes) once every chunk they import is present. */
async function snapshotPackage() {
	const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8'));
	if (JSON.stringify(pkg.files) !== JSON.stringify(['dist'])) log(`  note: package.json files is ${JSON.stringify(pkg.files)}; the snapshot copies dist/ only`);
	for (let attempt = 1; ; attempt++) {
		const dir = tempDir('package');
		try {
			cpSync(path.join(project, 'package.json'), path.join(dir, 'package.json'));
			for (const name of readdirSync(project)) {
				if (/^(readme|license|licence|changelog)/i.test(name)) cpSync(path.join(project, name), path.join(dir, name));
			}
			cpSync(path.join(project, 'dist'), path.join(dir, 'dist'), {recursive: true});
			const missing = [];
			for (const entry of readdirSync(path.join(dir, 'dist'), {withFileTypes: true, recursive: true})) {
				if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
				const code = readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
				for (const [, spec] of code.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)) {
					if (!existsSync(path.resolve(entry.parentPath, spec))) missing.push(spec);
				}
			}
			if (missing.length === 0 && existsSync(path.join(dir, 'dist', 'cli.js'))) return dir;
			throw new Error(`dist/ is incomplete (missing ${missing.slice(0, 3).join(', ')})`);
		} catch (error) {
			rmSync(dir, {recursive: true, force: true});
			if (attempt >= 20) throw new Error(`could not copy a complete dist/: ${error.message}. Run \`npm run build\`.`);
			await new Promise(resolve => setTimeout(resolve, 250)); // a rebuild is probably under way
		}
	}
}

async function main() {
	root = await snapshotPackage();
	cli = path.join(root, 'dist', 'cli.js');
	log(`· package snapshot: ${root}`);
	const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {encoding: 'utf8'}).trim();
	const aws = await awsCli();
	log(`· starting moto_server`);
	const moto = await startMoto();
	cleanups.push(() => moto.stop());
	log(`  moto at ${moto.endpoint}`);

	const measures = {
		version: () => benchVersion(),
		frame: () => benchFirstFrame(python, moto),
		identity: () => benchIdentity(python, moto, aws),
		calls: () => benchCalls(moto),
		latency: () => benchLatency(moto),
		package: () => benchPackage(),
	};
	for (const [name, measure] of Object.entries(measures)) if (!only || only.includes(name)) await measure();

	process.stdout.write(`${report(aws)}\n`);
}

const watchdog = setTimeout(() => {
	log(`bench: gave up after ${WATCHDOG_MS / 1000} s`);
	cleanup().finally(() => process.exit(1));
}, WATCHDOG_MS);
const started = performance.now();
const loadAtStart = os.loadavg();
try {
	await main();
	log(`bench finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
	log(`bench broke: ${error?.stack ?? error}`);
	process.exitCode = 1;
} finally {
	clearTimeout(watchdog);
	await cleanup();
}
