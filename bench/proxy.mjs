// Action-counting reverse proxy for AWS query-protocol traffic (IAM, STS) in front of moto.
// Borrowed from test/support/fault-proxy.ts: the action comes from `Action=` in the form body
// (or X-Amz-Target / the query string), and every header except hop-by-hop ones — Host above all,
// which SigV4 signs — is forwarded verbatim. One fault kind: `reset` (drop the connection, no answer).
// `delayMs` holds every request back before forwarding it, as a far-away endpoint would; `answers` stands in
// for actions moto lacks; `maxInFlight` is the most requests it held at once.
import {Agent, createServer, request as httpRequest} from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection']);
const withoutHopByHop = headers => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

function actionOf(req, body) {
	const target = req.headers['x-amz-target'];
	if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
	const fromQuery = new URL(req.url ?? '/', 'http://proxy').searchParams.get('Action');
	if (fromQuery) return fromQuery;
	return new URLSearchParams(body.toString('utf8')).get('Action') ?? 'unknown';
}

/**
 * calls: [{action, outcome: 'ok' | 'error' | 'reset' | 'upstream-failed', status?, at (ms)}] in arrival order.
 * resetActions: Set of actions answered with a dropped connection (until removed).
 * answers: Map of action → () => JSON body, answered 200 without asking moto.
 */
export async function startCountingProxy(target) {
	const upstream = new URL(target);
	const agent = new Agent({keepAlive: true});
	const calls = [];
	const resetActions = new Set();
	const answers = new Map();
	const state = {delayMs: 0, inFlight: 0, maxInFlight: 0};

	const server = createServer((req, res) => {
		const chunks = [];
		req.on('data', chunk => chunks.push(chunk));
		req.once('error', () => res.destroy());
		req.once('end', () => {
			const body = Buffer.concat(chunks);
			const call = {action: actionOf(req, body), outcome: 'pending', at: performance.now()};
			calls.push(call);
			if (resetActions.has(call.action)) {
				call.outcome = 'reset';
				req.socket.destroy();
				return;
			}
			state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
			res.once('close', () => state.inFlight--);
			setTimeout(() => forward(req, res, call, body), state.delayMs);
		});
	});
	const forward = (req, res, call, body) => {
		const answer = answers.get(call.action);
		if (answer) {
			call.outcome = 'ok';
			res.writeHead(200, {'content-type': 'application/x-amz-json-1.1'});
			res.end(answer());
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
			answer => {
				call.status = answer.statusCode;
				call.outcome = (answer.statusCode ?? 500) < 400 ? 'ok' : 'error';
				res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers));
				answer.pipe(res);
			},
		);
		proxied.once('error', () => {
			call.outcome = 'upstream-failed';
			res.destroy();
		});
		proxied.end(body);
	};
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	const {port} = server.address();
	return {
		endpoint: `http://127.0.0.1:${port}`,
		calls,
		resetActions,
		answers,
		/** Milliseconds each request waits before it is forwarded. */
		set delayMs(ms) {
			state.delayMs = ms;
		},
		/** The most requests held at once since the last take(). */
		get maxInFlight() {
			return state.maxInFlight;
		},
		/** Returns and forgets the calls recorded so far. */
		take() {
			state.maxInFlight = 0;
			return calls.splice(0, calls.length);
		},
		async close() {
			const closed = new Promise(resolve => server.close(resolve));
			server.closeAllConnections();
			agent.destroy();
			await closed;
		},
	};
}
