/** How long billing-setup waits for AWS, and the endpoint overrides worth naming when it does not answer. */

export const awsTimeoutSeconds = 5;

/**
 * Client `requestHandler` options: without them the SDK waits forever on an endpoint that accepts a connection
 * and never answers. Each of the SDK's attempts (3 by default) gets this budget.
 */
export const requestHandler = {
	connectionTimeout: awsTimeoutSeconds * 1000,
	requestTimeout: awsTimeoutSeconds * 1000,
	// Without it a request timeout is only a logged warning.
	throwOnRequestTimeout: true,
};

/** `AWS_ENDPOINT_URL*` variables that are set, as `NAME=value`: they send requests somewhere other than AWS. */
export function endpointOverrides(env: NodeJS.ProcessEnv = process.env): string[] {
	return Object.entries(env)
		.filter(([name, value]) => name.startsWith('AWS_ENDPOINT_URL') && value)
		.map(([name, value]) => `${name}=${value}`);
}

/** The start of the message of an answer whose body did not arrive in time: problems.ts names it like the SDK's timeouts. */
export const bodyTimeoutMessage = 'billing-setup: the answer did not arrive whole';

/**
 * The whole body of an answer, by `deadline` (ms since the epoch): the SDK's timeouts cover the connection and
 * the headers only, so an endpoint that sends headers and then nothing would otherwise hold the run for minutes.
 * Fails as a TimeoutError, which the SDK retries like its own.
 */
export async function readWholeBody(body: unknown, deadline: number): Promise<Uint8Array> {
	if (body instanceof Uint8Array) return body;
	if (typeof body === 'string') return new TextEncoder().encode(body);
	const stream = body as NodeJS.ReadableStream & {destroy?: () => void};
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			stream.destroy?.();
			reject(Object.assign(new Error(`${bodyTimeoutMessage} within ${awsTimeoutSeconds} s`), {name: 'TimeoutError'}));
		}, Math.max(0, deadline - Date.now()));
	});
	const read = (async () => {
		const chunks: Uint8Array[] = [];
		for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
		return Buffer.concat(chunks);
	})();
	try {
		return await Promise.race([read, late]);
	} finally {
		clearTimeout(timer);
		read.catch(() => undefined);
	}
}
