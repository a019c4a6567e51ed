// Fault-injecting reverse proxy for AWS query-protocol traffic (IAM, STS).
// Sits between the code under test and moto so tests can make specific API
// actions slow, throttled, failing, dropped or paused, and see what was called.

import {randomUUID} from 'node:crypto';
import {
	Agent,
	createServer,
	request as httpRequest,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type ServerResponse,
} from 'node:http';
import type {AddressInfo} from 'node:net';

export type Fault =
	| { kind: 'delay'; ms: number }
	| { kind: 'throttle' }
	| { kind: 'error'; status: number; code: string; message: string }
	| { kind: 'reset' }
	| { kind: 'hold' }
	/** A canned success: what an API moto lacks (SimulatePrincipalPolicy) would answer; a function is asked at each call. */
	| { kind: 'answer'; body: string | (() => string); contentType?: string }
	/** Headers of a 200 answer, then silence: the body never comes (until the proxy closes). */
	| { kind: 'stall' };

export interface ProxyCall {
	action: string;
	at: number;
	/** The region the request was signed for (SigV4's credential scope): which endpoint the client meant. */
	region?: string;
	/** The ARN of the role session that signed it, when an AssumeRole through this proxy gave out its keys. */
	signedBy?: string;
}

/** Which requests a fault applies to beyond their action: those signed by a matching role session. */
export interface FaultFilter {
	signedBy?: RegExp;
}

export interface FaultProxy {
	endpoint: string;
	port: number;
	/** baseEnv with the IAM, STS, Organizations, sso-admin and identitystore endpoint variables pointed at this proxy. */
	env: Record<string, string>;
	/** Every request received, in arrival order, faulted or not. Clear with `calls.length = 0`. */
	calls: ProxyCall[];
	/**
	 * Applies `fault` to the next `times` requests for `action` (default: all of them).
	 * Faults added for the same action queue up: each is used up before the next applies.
	 * Windows are counted in calls, never in time: a loaded machine can take seconds to reach a call,
	 * and a window "for the next 4 s" would then close before the call it was meant for.
	 */
	fault(action: string, fault: Fault, times?: number, filter?: FaultFilter): void;
	clearFaults(): void;
	/** Forwards every request currently held for `action`; returns how many there were. */
	release(action: string): number;
	/** Drops (closes without an answer, never forwards) every held request of any action; returns how many. */
	dropHeld(): number;
	/** Resolves once at least one request for `action` is being held. */
	waitForHeld(action: string): Promise<void>;
	close(): Promise<void>;
}

interface Rule {
	fault: Fault;
	remaining: number;
	filter: FaultFilter;
}

/** `Credential=AKID/20261202/us-east-1/ce/aws4_request`: the key and the region of a SigV4 signature. */
function signatureOf(req: IncomingMessage): {accessKeyId?: string; region?: string} {
	const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
	return match ? {accessKeyId: match[1], region: match[2]} : {};
}

interface Held {
	forward(): void;
	drop(): void;
}

// Hop-by-hop headers describe one connection, not the request; the rest
// (Host above all, which SigV4 signs and moto re-verifies once auth is on)
// is forwarded verbatim.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection']);

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
	return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.once('end', () => resolve(Buffer.concat(chunks)));
		req.once('error', reject);
	});
}

function actionOf(req: IncomingMessage, body: Buffer): string {
	// JSON-protocol services (e.g. Cost Explorer) name the action in a header.
	const target = req.headers['x-amz-target'];
	if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
	const fromQuery = new URL(req.url ?? '/', 'http://proxy').searchParams.get('Action');
	if (fromQuery) return fromQuery;
	// Query protocol (IAM, STS): POST with a form-encoded body starting Action=...
	return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'unknown';
}

function escapeXml(text: string): string {
	return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Same shape real IAM/STS use, so the SDK parses code and message as for AWS.
function sendQueryError(res: ServerResponse, status: number, code: string, message: string): void {
	const requestId = randomUUID();
	const body =
		`<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
		`<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
		`<RequestId>${requestId}</RequestId></ErrorResponse>`;
	res.writeHead(status, {
		'content-type': 'text/xml',
		'content-length': Buffer.byteLength(body),
		'x-amzn-requestid': requestId,
	});
	res.end(body);
}

/**
 * An error in the protocol the request speaks: JSON services (Identity Center, Organizations, Cost Explorer) name
 * their action in x-amz-target and read errors from JSON; an XML body there is what no AWS endpoint sends, and
 * would make a proxy hiccup (a reused connection to moto dropped) read as an answer that is not AWS's.
 */
function sendError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
	if (req.headers['x-amz-target']) sendJsonError(res, status, code, message);
	else sendQueryError(res, status, code, message);
}

function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
	const body = JSON.stringify({__type: code, message});
	res.writeHead(status, {
		'content-type': 'application/x-amz-json-1.1',
		'content-length': Buffer.byteLength(body),
		'x-amzn-requestid': randomUUID(),
	});
	res.end(body);
}

export async function startFaultProxy(target: string, baseEnv: Record<string, string> = {}): Promise<FaultProxy> {
	const upstream = new URL(target);
	const agent = new Agent({ keepAlive: true });
	const calls: ProxyCall[] = [];
	const rules = new Map<string, Rule[]>();
	const held = new Map<string, Held[]>();
	const heldWaiters = new Map<string, Array<{ resolve(): void; reject(error: Error): void }>>();
	const timers = new Set<NodeJS.Timeout>();
	let closed = false;

	// Session keys STS gave out through this proxy, and whose they are: faults can pick one session's requests.
	const sessions = new Map<string, string>();

	const takeFault = (action: string, signedBy: string | undefined): Fault | undefined => {
		const queue = (rules.get(action) ?? []).filter(rule => rule.remaining > 0);
		rules.set(action, queue);
		const rule = queue.find(({filter}) => !filter.signedBy || (signedBy !== undefined && filter.signedBy.test(signedBy)));
		if (!rule) return undefined;
		rule.remaining -= 1;
		return rule.fault;
	};

	// Forwarding happens even if the client already gave up (timeout, abort):
	// like real AWS, the request may still be processed after the caller left.
	const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
		if (closed) {
			res.destroy();
			return;
		}
		const proxied = httpRequest(
			{
				protocol: upstream.protocol,
				hostname: upstream.hostname,
				port: upstream.port,
				method: req.method,
				path: req.url,
				headers: withoutHopByHop(req.headers),
				agent,
			},
			(answer) => {
				if (res.destroyed) {
					answer.resume();
					return;
				}
				const headers = Object.fromEntries(
					Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
				) as Record<string, string | string[]>;
				res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
				if (actionOf(req, body) === 'AssumeRole') rememberSession(answer);
				answer.pipe(res);
			},
		);
		proxied.once('error', (error) => {
			if (res.headersSent || res.destroyed) res.destroy();
			else sendError(req, res, 502, 'ProxyUpstreamError', `fault proxy could not reach ${target}: ${error.message}`);
		});
		proxied.end(body);
	};

	const rememberSession = (answer: IncomingMessage): void => {
		const chunks: Buffer[] = [];
		answer.on('data', (chunk: Buffer) => chunks.push(chunk));
		answer.once('end', () => {
			const xml = Buffer.concat(chunks).toString('utf8');
			const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(xml)?.[1];
			const arn = /<AssumedRoleUser>[\s\S]*?<Arn>([^<]+)<\/Arn>/.exec(xml)?.[1];
			if (key && arn) sessions.set(key, arn);
		});
	};

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const body = await readBody(req);
		const action = actionOf(req, body);
		const {accessKeyId, region} = signatureOf(req);
		const signedBy = accessKeyId === undefined ? undefined : sessions.get(accessKeyId);
		calls.push({ action, at: Date.now(), ...(region && {region}), ...(signedBy && {signedBy}) });
		const fault = takeFault(action, signedBy);

		switch (fault?.kind) {
			case undefined:
				forward(req, res, body);
				return;
			case 'delay': {
				const timer = setTimeout(() => {
					timers.delete(timer);
					forward(req, res, body);
				}, fault.ms);
				timers.add(timer);
				return;
			}
			case 'throttle':
				sendError(req, res, 400, 'Throttling', 'Rate exceeded');
				return;
			case 'error':
				sendError(req, res, fault.status, fault.code, fault.message);
				return;
			case 'answer': {
				const answer = typeof fault.body === 'function' ? fault.body() : fault.body;
				const contentType = fault.contentType ?? (req.headers['x-amz-target'] ? 'application/x-amz-json-1.1' : 'text/xml');
				res.writeHead(200, {'content-type': contentType, 'content-length': Buffer.byteLength(answer), 'x-amzn-requestid': randomUUID()});
				res.end(answer);
				return;
			}
			case 'stall':
				res.writeHead(200, {'content-type': req.headers['x-amz-target'] ? 'application/x-amz-json-1.1' : 'text/xml', 'x-amzn-requestid': randomUUID()});
				res.flushHeaders();
				return;
			case 'reset':
				// No response at all: the SDK sees ECONNRESET / "socket hang up".
				req.socket.destroy();
				return;
			case 'hold': {
				const queue = held.get(action) ?? [];
				queue.push({ forward: () => forward(req, res, body), drop: () => req.socket.destroy() });
				held.set(action, queue);
				for (const waiter of heldWaiters.get(action) ?? []) waiter.resolve();
				heldWaiters.delete(action);
				return;
			}
		}
	};

	const server = createServer((req, res) => {
		handle(req, res).catch(() => res.destroy());
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const endpoint = `http://127.0.0.1:${port}`;

	const dropHeld = (): number => {
		let dropped = 0;
		for (const queue of held.values()) {
			for (const request of queue) request.drop();
			dropped += queue.length;
		}
		held.clear();
		return dropped;
	};

	return {
		endpoint,
		port,
		env: {
			...baseEnv,
			AWS_ENDPOINT_URL_STS: endpoint,
			AWS_ENDPOINT_URL_IAM: endpoint,
			AWS_ENDPOINT_URL_ORGANIZATIONS: endpoint,
			AWS_ENDPOINT_URL_SSO_ADMIN: endpoint,
			AWS_ENDPOINT_URL_IDENTITYSTORE: endpoint,
			AWS_ENDPOINT_URL_COST_EXPLORER: endpoint,
			AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
		},
		calls,
		fault(action, fault, times = Infinity, filter = {}) {
			const queue = rules.get(action) ?? [];
			queue.push({ fault, remaining: times, filter });
			rules.set(action, queue);
		},
		clearFaults() {
			rules.clear();
		},
		release(action) {
			const queue = held.get(action) ?? [];
			held.delete(action);
			for (const request of queue) request.forward();
			return queue.length;
		},
		dropHeld,
		waitForHeld(action) {
			if (closed) return Promise.reject(new Error('fault proxy is closed'));
			if ((held.get(action)?.length ?? 0) > 0) return Promise.resolve();
			return new Promise<void>((resolve, reject) => {
				const waiters = heldWaiters.get(action) ?? [];
				waiters.push({ resolve, reject });
				heldWaiters.set(action, waiters);
			});
		},
		async close() {
			if (closed) return;
			closed = true;
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			dropHeld();
			for (const waiters of heldWaiters.values()) {
				for (const waiter of waiters) waiter.reject(new Error('fault proxy closed while waiting for a held request'));
			}
			heldWaiters.clear();
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			agent.destroy();
			await stopped;
		},
	};
}
