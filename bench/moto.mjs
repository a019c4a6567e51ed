// Minimal moto_server starter for the benchmark (plain ESM, Node built-ins only).
// Same approach as test/support/moto.ts: free port, own process group, poll /moto-api/ until it answers.
import {spawn} from 'node:child_process';
import {createServer} from 'node:net';

const READY_TIMEOUT_MS = 20_000;

function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address();
			server.close(() => resolve(port));
		});
	});
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function killGroup(child, signal) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

async function launch(port) {
	const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
		env: {...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true'},
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	let log = '';
	const keep = chunk => (log = (log + chunk).slice(-8192));
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const spawnError = new Promise((_, reject) => child.once('error', reject));
	spawnError.catch(() => {});
	const endpoint = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + READY_TIMEOUT_MS;
	for (let attempt = 1; ; attempt++) {
		if (child.exitCode !== null || child.signalCode !== null) {
			const error = new Error(`moto_server exited early (code ${child.exitCode}):\n${log}`);
			error.addressInUse = /address already in use/i.test(log);
			throw error;
		}
		if (Date.now() > deadline) {
			killGroup(child, 'SIGKILL');
			throw new Error(`moto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms:\n${log}`);
		}
		try {
			await Promise.race([fetch(`${endpoint}/moto-api/`, {signal: AbortSignal.timeout(2000)}).then(r => r.arrayBuffer()), spawnError]);
			return {child, endpoint};
		} catch (error) {
			if (error?.code === 'ENOENT') throw new Error('moto_server not found — install it with: pip install "moto[server]"');
			await sleep(Math.min(50 * attempt, 250));
		}
	}
}

export async function startMoto() {
	let launched;
	for (let attempt = 1; !launched; attempt++) {
		const port = await freePort();
		try {
			launched = await launch(port);
		} catch (error) {
			if (!(error.addressInUse && attempt < 3)) throw error;
		}
	}
	const {child, endpoint} = launched;
	const killOnExit = () => killGroup(child, 'SIGKILL');
	process.once('exit', killOnExit);
	return {
		endpoint,
		pid: child.pid,
		async reset() {
			const response = await fetch(`${endpoint}/moto-api/reset`, {method: 'POST'});
			await response.arrayBuffer();
			if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
		},
		async stop() {
			process.removeListener('exit', killOnExit);
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise(resolve => child.once('exit', resolve));
			killGroup(child, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
			await exited;
			clearTimeout(timer);
		},
	};
}
