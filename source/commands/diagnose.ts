/** `billing-setup diagnose`: an AccessDenied text in, the cause and the next step out. */
import {createInterface} from 'node:readline';
import {UsageError, type CommonOptions} from '../args.js';
import {billingActions} from '../core/account.js';
import {diagnose, parseDenial, recognised, type DenialReason, type Diagnosis, type PolicyCheck} from '../core/diagnosis.js';
import {classifyCaller, type Identity} from '../core/principal.js';
import {exitCodes, ProblemError} from '../core/problem.js';
import {printable} from '../core/text.js';
import {paint} from '../present.js';
import {withSpinner} from '../spinner.js';
import {InterruptedError, printJson, say} from '../terminal.js';

export interface DiagnoseOptions extends CommonOptions {
	/** The text given as an argument; without it, stdin is read. */
	text?: string;
}


/** Piped text whole; on a terminal, pasted lines until an empty one (a paste ends with its last line) or Ctrl+D. */
async function readText(): Promise<string> {
	const lines: string[] = [];
	const input = createInterface({input: process.stdin, terminal: false});
	if (process.stdin.isTTY) say('Paste the error message, then press Enter on an empty line (Ctrl+D also ends it):');
	await new Promise<void>((resolve, reject) => {
		input.on('line', line => {
			if (process.stdin.isTTY && line.trim() === '' && lines.length > 0) input.close();
			else lines.push(line);
		});
		input.once('close', resolve);
		process.once('SIGINT', () => reject(new InterruptedError()));
	});
	return lines.join('\n').trim();
}

/**
 * The IAM principal whose policies to check: the one the text names when it is in the caller's account (a
 * session ARN stands for its role), else the caller. Undefined, with the reason, where there is none to check.
 */
function principalToCheck(named: string | undefined, caller: Identity): {arn?: string; skipped?: string} {
	const principal = named ? classifyCaller(named, caller.accountId) : caller;
	if (principal.accountId !== caller.accountId) {
		return {skipped: `the text names account ${principal.accountId}, and these credentials are for account ${caller.accountId}`};
	}
	if (principal.kind === 'root') return {skipped: 'the root user has no IAM policies to check'};
	const arn = principal.kind === 'iam-user' ? principal.arn : principal.roleArn;
	return arn ? {arn} : {skipped: `${principal.arn} is not an IAM user or role`};
}

async function checkPolicies(options: CommonOptions, named: string | undefined, action: string | undefined): Promise<{check?: PolicyCheck; skipped?: string}> {
	const [{createClients, destroyClients}, {identifyCaller}, {principalAccess}] = await Promise.all([
		import('../aws/clients.js'),
		import('../aws/sts.js'),
		import('../aws/principal-access.js'),
	]);
	// One set of clients: the caller is identified with its STS client rather than a second one.
	const clients = await createClients(options);
	try {
		let caller: Identity;
		try {
			caller = await identifyCaller(options, clients.sts);
		} catch (error) {
			const problem = (error as ProblemError).problem;
			return {skipped: problem ? `no credentials could be used (${problem.title.replace(/\.$/, '')})` : String(error)};
		}
		const {arn, skipped} = principalToCheck(named, caller);
		if (!arn) return {skipped};
		const actions = action ? [action] : billingActions;
		return {check: {principal: arn, access: await principalAccess(clients.iam, clients.iamProbe, arn, actions)}};
	} finally {
		destroyClients(clients);
	}
}

const reasonWords: Record<DenialReason, string> = {
	'service-control-policy': 'a service control policy',
	'resource-control-policy': 'a resource control policy',
	'permissions-boundary': 'a permissions boundary',
	'session-policy': 'a session policy',
	'identity-deny': 'an explicit Deny in an identity-based policy',
	'no-identity-allow': 'no identity-based policy allows it',
};

/** "allows ce:DescribeReport", "allows none of …", "denies … outright". */
function checkedWords({access}: PolicyCheck): string {
	const missing = access.checked.filter(action => !access.allowed.includes(action) && !access.denied.includes(action));
	return [
		access.allowed.length > 0 && `allows ${access.allowed.join(', ')}`,
		missing.length > 0 && `does not allow ${missing.join(', ')}`,
		access.denied.length > 0 && `denies ${access.denied.join(', ')} outright`,
	]
		.filter(Boolean)
		.join('; ');
}

function format(diagnosis: Diagnosis): string {
	const {parsed, check} = diagnosis;
	const read = [
		parsed.action && `action ${parsed.action}`,
		parsed.principal && `principal ${parsed.principal}`,
		parsed.reason && `reason: ${reasonWords[parsed.reason]}`,
		parsed.mentionsBillingSetting && 'the console’s words for the root-only billing setting',
	].filter(Boolean);
	const checked = check
		? check.access.method === 'unknown'
			? `Could not check ${check.principal}: ${check.access.reason}`
			: `Checked ${check.principal} (${check.access.method === 'simulated' ? 'IAM policy simulator' : 'its IAM policies'}): ${checkedWords(check)}.`
		: `Not checked: ${diagnosis.checkSkipped}.`;
	const basis = {stated: 'as AWS’s text states', checked: 'from the check above', likely: 'likely, from the words alone'}[diagnosis.basis];
	return [
		`Read from the text: ${read.length > 0 ? read.join('; ') : 'nothing AWS-shaped'}.`,
		checked,
		'',
		`${paint('bold', `Cause (${basis}):`)} ${diagnosis.title}`,
		diagnosis.why,
		`${paint('bold', 'Next:')} ${diagnosis.next}`,
	]
		.map(line => printable(line))
		.join('\n');
}

export async function runDiagnose(options: DiagnoseOptions): Promise<number> {
	const text = options.text?.trim() || (await readText());
	if (!text) throw new UsageError('diagnose needs the error text: billing-setup diagnose "User: arn:… is not authorized to perform: ce:…", or pipe it in.');
	const parsed = parseDenial(text);
	// AWS's stated reason needs no check; otherwise the policies tell the setting from a missing permission.
	const {check, skipped} = parsed.reason
		? {skipped: 'AWS’s text states the reason'}
		: !recognised(parsed)
			? {skipped: 'the text names no AWS action'}
			: await withSpinner('Checking the policies…', checkPolicies(options, parsed.principal, parsed.action));
	const diagnosis = diagnose(parsed, check, skipped);
	// The answer is the command's result: stdout, like --json's, so it can be saved or piped.
	if (options.json) printJson(diagnosis);
	else process.stdout.write(`${format(diagnosis)}\n`);
	return exitCodes.done;
}
