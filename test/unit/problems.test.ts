/** Every branch of describeAwsError: each failure gets its own what / why / next, in words that fit it. */
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {describeAwsError, notAwsProblem} from '../../source/aws/problems.js';
import {classifyCaller} from '../../source/core/principal.js';
import {ProblemError} from '../../source/core/problem.js';
import {printable} from '../../source/core/text.js';
import {formatProblem} from '../../source/present.js';
import {tempConfigHome} from '../support/cli.js';

const admin = classifyCaller('arn:aws:iam::123456789012:user/admin', '123456789012');
const action = 'iam:CreateRole';
const denied = (reason: string) =>
	Object.assign(new Error(`User: arn:aws:iam::123456789012:user/admin is not authorized to perform: ${action} on resource: arn:aws:iam::123456789012:role/BillingAccess ${reason}`), {
		name: 'AccessDenied',
		action,
		$metadata: {httpStatusCode: 403, requestId: 'r-1'},
	});
const sdkError = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), {name, ...extra});

beforeEach(() => {
	// Each test names its own environment: none of the machine's AWS settings.
	for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) vi.stubEnv(name, undefined);
	vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
	vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
});
afterEach(() => vi.unstubAllEnvs());

describe('AccessDenied is read for its reason', () => {
	test.each([
		['with an explicit deny in a service control policy', /service control policy \(SCP\)/, /organization's administrator.*does not help/],
		['because no service control policy allows the iam:CreateRole action', /service control policy \(SCP\)/, /organization's administrator/],
		['with an explicit deny in a permissions boundary', /permissions boundary on arn:aws:iam::123456789012:user\/admin/, /permissions boundary, or run .* without that boundary/],
		['because no permissions boundary allows the iam:CreateRole action', /permissions boundary/, /permissions boundary/],
		['with an explicit deny in a session policy', /session policy/, /session whose policy allows iam:CreateRole/],
		['because no session policy allows the iam:CreateRole action', /session policy/, /session whose policy allows/],
		[
			'with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/NoRoles',
			/denies it outright.*does not help/,
			/narrow the Deny statement for iam:CreateRole/,
		],
	])('%s', (reason, why, next) => {
		const problem = describeAwsError(denied(reason), {identity: admin});
		expect(problem.title).toBe('arn:aws:iam::123456789012:user/admin (IAM user) is not allowed to call iam:CreateRole.');
		expect(problem.why).toContain(reason);
		expect(problem.why).toMatch(why);
		expect(problem.next).toMatch(next);
		// Advice to become an administrator only fits a missing permission.
		expect(problem.next).not.toMatch(/IAMFullAccess/);
	});

	test('no identity-based policy allowing it: grant the action', () => {
		const problem = describeAwsError(denied('because no identity-based policy allows the iam:CreateRole action'), {identity: admin});
		expect(problem.next).toBe('Grant iam:CreateRole to this identity (for example attach IAMFullAccess while setting up), or run billing-setup as an administrator.');
	});

	test('a bare 403 without a reason, and without a known caller', () => {
		const problem = describeAwsError(sdkError('Forbidden', 'Forbidden', {$metadata: {httpStatusCode: 403}}), {});
		expect(problem.title).toBe('The caller is not allowed to call the AWS call.');
		expect(problem.next).toMatch(/^Grant the AWS call/);
	});
});

describe('credentials', () => {
	const noCredentials = sdkError('CredentialsProviderError', 'Could not load credentials from any providers');

	test('none anywhere', () => {
		expect(describeAwsError(noCredentials, {}).title).toBe('No AWS credentials were found.');
	});

	test('an SSO login that is missing or over', () => {
		const problem = describeAwsError(sdkError('CredentialsProviderError', 'The SSO session associated with this profile has expired'), {profile: 'work'});
		expect(problem.title).toBe('Your AWS SSO session has expired or was never started.');
		expect(problem.next).toBe('Run `aws sso login --profile work`, then run billing-setup again.');
	});

	test('an SSO token refresh failing outside the credential chain', () => {
		expect(describeAwsError(sdkError('Error', 'Token is expired. To refresh this SSO session run aws sso login'), {}).title).toBe('Your AWS SSO session has expired.');
	});

	test('AWS_PROFILE naming a profile that does not exist is named', () => {
		vi.stubEnv('AWS_PROFILE', 'nope');
		const problem = describeAwsError(noCredentials, {});
		expect(problem.title).toBe('There is no AWS profile named “nope”.');
		expect(problem.next).toMatch(/aws configure list-profiles/);
	});

	test('a failing credential_process is not reported as a missing profile', () => {
		const config = path.join(tempConfigHome(), 'config');
		writeFileSync(config, '[default]\nregion = us-east-1\n\n[profile tool]\ncredential_process = /opt/bin/get-creds --account 1\n');
		vi.stubEnv('AWS_CONFIG_FILE', config);
		const problem = describeAwsError(noCredentials, {profile: 'tool'});
		expect(problem.title).toBe('The credential_process of the AWS profile “tool” failed.');
		expect(problem.why).toContain('`/opt/bin/get-creds --account 1`');
		expect(problem.next).toMatch(/Run that command yourself/);
	});

	test('a profile that exists (here in the credentials file) but gives nothing usable', () => {
		const credentials = path.join(tempConfigHome(), 'credentials');
		writeFileSync(credentials, '[half]\naws_access_key_id = AKIAEXAMPLE\n');
		vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentials);
		const problem = describeAwsError(noCredentials, {profile: 'half'});
		expect(problem.title).toBe('The AWS profile “half” gave no usable credentials.');
		expect(problem.next).toMatch(/aws configure list --profile half/);
	});

	test.each(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'])('%s: get fresh credentials', name => {
		const problem = describeAwsError(sdkError(name, 'The security token included in the request is expired'), {});
		expect(problem.title).toBe('Your AWS credentials have expired.');
		expect(problem.next).toMatch(/^Get fresh credentials/);
	});

	test.each(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException'])('%s: keys not accepted', name => {
		expect(describeAwsError(sdkError(name, 'The security token included in the request is invalid'), {}).title).toBe('AWS did not accept these credentials.');
	});
});

describe('the network and what answers on it', () => {
	test('TLS interception: the untrusted certificate and NODE_EXTRA_CA_CERTS', () => {
		vi.stubEnv('AWS_CA_BUNDLE', '/etc/corp-root.pem');
		const error = sdkError('Error', 'self-signed certificate in certificate chain', {code: 'SELF_SIGNED_CERT_IN_CHAIN', endpoint: 'https://sts.amazonaws.com'});
		const problem = describeAwsError(error, {});
		expect(problem.title).toBe('The certificate presented for https://sts.amazonaws.com is not trusted.');
		expect(problem.why).toMatch(/inspecting HTTPS.*AWS_CA_BUNDLE is set, but only the AWS CLI reads it/);
		expect(problem.next).toMatch(/NODE_EXTRA_CA_CERTS.*AWS_CA_BUNDLE/);
	});

	test('no answer within the timeout names the endpoint, the attempts and the endpoint override', () => {
		vi.stubEnv('AWS_ENDPOINT_URL_STS', 'http://127.0.0.1:9');
		const message = '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 5000 ms.';
		const error = sdkError('TimeoutError', message, {action: 'sts:GetCallerIdentity', endpoint: 'http://127.0.0.1:9', $metadata: {attempts: 3}});
		const problem = describeAwsError(error, {});
		expect(problem.title).toBe('AWS did not answer at http://127.0.0.1:9 within 5 s.');
		expect(problem.why).toBe('sts:GetCallerIdentity got no answer in 3 attempts. This run sends requests where AWS_ENDPOINT_URL_STS=http://127.0.0.1:9 says: check that it is right.');
		expect(problem.next).toMatch(/network connection and proxy/);
	});

	test.each(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH'])('%s: AWS could not be reached', code => {
		expect(describeAwsError(sdkError('Error', `connect ${code}`, {code}), {}).title).toBe('AWS could not be reached.');
	});

	test('a network code on the cause, and a socket hang up (which the SDK names TimeoutError), are network problems too', () => {
		expect(describeAwsError(sdkError('Error', 'fetch failed', {cause: {code: 'ECONNRESET'}}), {}).title).toBe('AWS could not be reached.');
		expect(describeAwsError(sdkError('TimeoutError', 'socket hang up', {code: 'ECONNRESET'}), {}).title).toBe('AWS could not be reached.');
	});

	test('an HTML 404 with no AWS request ID is not AWS', () => {
		const error = sdkError('NotFound', 'Unknown', {action: 'sts:GetCallerIdentity', endpoint: 'http://portal.local', $metadata: {httpStatusCode: 404}});
		const problem = describeAwsError(error, {});
		expect(problem.title).toBe('The endpoint that answered is not AWS.');
		expect(problem.why).toBe('http://portal.local answered sts:GetCallerIdentity with HTTP 404 and no AWS error.');
		expect(problem.next).not.toMatch(/Health Dashboard/);
	});

	test('a body the SDK cannot read as AWS’s (a web page where JSON belongs) is not AWS, without the SDK’s words', () => {
		const message = `Unexpected token '<', "<!doctype "... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`;
		const error = sdkError('SyntaxError', message, {action: 'sso:ListTagsForResource', endpoint: 'http://proxy.local', $metadata: {httpStatusCode: 500}});
		const problem = describeAwsError(error, {});
		expect(problem.title).toBe('The endpoint that answered is not AWS.');
		expect(problem.why).toBe("http://proxy.local answered sso:ListTagsForResource (HTTP 500) with a body that is not AWS's (a web page, or text).");
		expect(problem.why).not.toContain('$response');
	});

	test('anything else from AWS: retry, then the Health Dashboard', () => {
		const problem = describeAwsError(sdkError('ServiceFailure', 'Internal error', {action, $metadata: {httpStatusCode: 500, requestId: 'r-2'}}), {});
		expect(problem).toEqual({
			title: 'AWS answered iam:CreateRole with an error.',
			why: 'ServiceFailure: Internal error',
			next: 'Run billing-setup again to retry. If it persists, check the AWS Health Dashboard.',
		});
	});

	test('a problem already explained passes through; a thrown non-error still reads', () => {
		const known = notAwsProblem('because.');
		expect(describeAwsError(new ProblemError(known), {})).toBe(known);
		expect(describeAwsError('boom', {}).why).toBe('boom');
	});
});

describe('control characters never reach the terminal', () => {
	test('escape sequences, C0 and C1 controls are stripped; line breaks stay', () => {
		expect(printable('Role\u001B[31mRed\u001B[0m\u001B]0;title\u0007 \u009B2J\u0000ok\nnext\tline')).toBe('RoleRed 2Jok\nnext\tline');
	});

	test('formatProblem shows an AWS message without its escapes', () => {
		const text = formatProblem({title: 'Bad\u001B[2J name', why: 'AWS said \u001B]8;;http://evil\u001B\\click\u001B]8;;\u001B\\', next: 'Go\u0007.'});
		expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
		expect(text).toContain('Bad name');
		expect(text).toContain('AWS said click');
	});
});
