import {randomUUID} from 'node:crypto';
import {partitionOfRegion, type SetupOptions} from '../args.js';
import {lazyOperations} from '../aws/lazy.js';
import {accountNotes, type AccountContext} from '../core/account.js';
import {buildPlan} from '../core/plan.js';
import {exitCodes, ProblemError} from '../core/problem.js';
import {callerName, type Identity} from '../core/principal.js';
import {printable} from '../core/text.js';
import {defaultSettings} from '../core/settings.js';
import {permissionSetPlanOf, WizardSession} from '../engine/session.js';
import {withOrganizationAccounts, type PermissionSetPlan} from '../core/identity-center.js';
import {initialState, steps} from '../engine/wizard.js';
import {runHeadless, stoppedResult} from '../headless.js';
import {formatInspection, formatPermissionSetPlan, formatPlan, formatProblem, permissionSetInspectionHead, savedMessage} from '../present.js';
import {permissionSetCommands} from '../reconcile/permission-set-resources.js';
import {cliCommands, type RoleInspection, type SetupRecord} from '../reconcile/role-resources.js';
import {lockProgress} from '../progress/lock.js';
import {planMembers, setUpMembers, stackSetScope} from './members.js';
import {openProgressStore, progressDirectory, type FileProgressStore} from '../progress/store.js';
import {timeAgo} from '../spinner.js';
import {exitOnStopSignals, isInteractiveTerminal, NeedsTerminalError, printJson, say} from '../terminal.js';

export function recoveredNotice(store: FileProgressStore): string | undefined {
	if (!store.recovered) return undefined;
	const {reason, copy} = store.recovered;
	return copy
		? `The progress file could not be used as it was (${reason}); it was kept as ${copy}, and billing-setup goes on without what it could not trust.`
		: `The progress file could not be used as it was (${reason}); it is left as it is, and shown without what could not be trusted.`;
}

export async function runSetup(options: SetupOptions): Promise<number> {
	if (options.dryRun) return runDryRun(options);
	if (!options.yes && !isInteractiveTerminal()) throw new NeedsTerminalError();
	const members = options.presets.via !== 'identity-center' && options.presets.accounts && stackSetScope(options.presets.accounts);
	if (members && !options.yes) {
		throw new ProblemError({
			title: 'The wizard sets up this account; --accounts for a role runs without prompts.',
			why: 'The member accounts get the role through a StackSet, which this version follows headless only.',
			next: 'Run billing-setup --yes --accounts … (or --dry-run --accounts … to see the plan first).',
		});
	}
	lockProgress(progressDirectory());
	const store = openProgressStore();
	const notice = recoveredNotice(store);
	const aws = lazyOperations({...options, verifyTimeoutMs: options.verifyTimeoutSeconds * 1000});
	const start = {setupId: randomUUID(), adopt: options.adopt, paidChecks: options.costCheck};
	const session = new WizardSession(initialState(options.presets, new Date().toISOString(), start), {aws, store});
	if (options.yes) {
		if (notice) say(notice);
		// A signal ends the run where it is, with the same report as a failure: scripts still get their JSON.
		exitOnStopSignals(signal => {
			const result = stoppedResult(session.state, signal);
			say(formatProblem(result.error));
			say(session.state.identity ? savedMessage : 'Nothing had been done yet.');
			if (options.json) printJson(result);
		});
		const {exitCode, result} = await runHeadless(session, say);
		// The members come after this account: its record holds the setup id the StackSet is tagged with.
		if (members && exitCode === exitCodes.done && session.state.identity) {
			const stackSet = await setUpMembers(options, store, session.state.identity, say).catch((error: unknown) => {
				if (options.json && error instanceof ProblemError) printJson({...result, ok: false, error: error.problem});
				throw error;
			});
			if (options.json) printJson({...result, ok: result.ok && stackSet.ok, stackSet});
			return stackSet.ok ? exitCode : exitCodes.failed;
		}
		if (options.json) printJson(result);
		return exitCode;
	}
	// Loading Ink takes longer than drawing a line: show the first wait now and ask STS first. Importing Ink would
	// hold Node's one thread while STS answers, so it loads once the caller is known; until Ink's first frame
	// replaces it, the identity stands in the wait's place.
	process.stdout.write(steps.identity.wait!);
	void session.start();
	await identified(session);
	if (session.state.identity) process.stdout.write(`\r\u001B[2K${identityLine(session.state.identity)}`);
	const {runWizard} = await import('../ui/run.js');
	return runWizard(session, notice);
}

/** Resolves once STS has answered: the caller is known, or the run has ended. */
function identified(session: WizardSession): Promise<void> {
	return new Promise(resolve => {
		const check = () => {
			if (!session.state.identity && session.state.step === 'identity') return;
			unsubscribe();
			resolve();
		};
		const unsubscribe = session.subscribe(check);
		check();
	});
}

/** One line that fits the terminal, so erasing the current line erases all of it. */
function identityLine(identity: Identity): string {
	const line = `Account ${identity.accountId} (${identity.partition}) · ${callerName(identity)}`;
	return line.slice(0, Math.max(1, (process.stdout.columns || 80) - 1));
}

/**
 * The plan for flags, saved progress and defaults. With credentials it also reads the live role and
 * shows what a run would change; with --account it needs no credentials at all.
 */
async function runDryRun(options: SetupOptions): Promise<number> {
	let accountId = options.account;
	const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
	let partition = partitionOfRegion(region);
	let caller;
	if (!accountId) {
		const {identifyCaller} = await import('../aws/sts.js');
		caller = await identifyCaller(options).catch((error: unknown) => {
			const {problem} = error as ProblemError;
			throw new ProblemError({...problem, next: `${problem.next} Or plan without credentials: billing-setup --dry-run --account ACCOUNT_ID.`});
		});
		({accountId, partition} = caller);
	}
	// The same answers a run would take: flags, then what is saved for the account, then defaults; said, not silent.
	const store = openProgressStore({readOnly: true});
	const notice = recoveredNotice(store);
	if (notice) say(notice);
	const saved = store.load(accountId);
	if (saved) say(`Planned from your flags, then the setup saved for account ${accountId} (updated ${timeAgo(saved.updatedAt)}), then the defaults.`);
	const settings = {...defaultSettings, ...saved?.settings, ...options.presets};
	if (settings.via === 'identity-center') {
		const record = {setupId: saved?.setupId ?? randomUUID(), changes: saved?.changes ?? []};
		return dryRunPermissionSet(options, permissionSetPlanOf({accountId, settings, setupId: record.setupId}, partition), record, Boolean(caller));
	}
	const plan = buildPlan(accountId, partition, settings, {
		setupId: saved?.setupId ?? randomUUID(),
		caller,
		region,
	});
	let inspection: RoleInspection | undefined;
	let account: AccountContext | undefined;
	if (caller) {
		const {createOperations} = await import('../aws/operations.js');
		const {describeAwsError} = await import('../aws/problems.js');
		const operations = await createOperations({...options, verifyTimeoutMs: 0});
		[inspection, account] = await Promise.all([
			operations.inspect(plan, {setupId: plan.setupId, changes: saved?.changes ?? []}, []).then(
				read => read.inspection,
				(error: unknown) => {
					throw new ProblemError(describeAwsError(error, {profile: options.profile}));
				},
			),
			operations.inspectAccount(caller),
		]);
	}
	const members = stackSetScope(settings.accounts) && caller ? await planMembers(options, caller, settings, saved, plan.setupId) : undefined;
	if (stackSetScope(settings.accounts) && !caller) say('--accounts: the StackSet is planned from the organization, which needs credentials; shown here is this account only.');
	if (options.json) {
		printJson({
			dryRun: true,
			...plan,
			cliCommands: cliCommands(plan),
			...(inspection && {live: inspection}),
			...(account && {organization: account.organization}),
			...(account?.callerAccess && {callerAccess: account.callerAccess}),
			...(members && {stackSet: {...members.plan, cliCommands: members.commands, live: members.inspection}}),
		});
	} else {
		const notes = caller ? accountNotes(account, caller.kind).map(note => `${printable(note)}\n\n`).join('') : '';
		const live = inspection ? `${printable(formatInspection(inspection))}\n\n` : '';
		const stackSet = members
			? `\n\nThe member accounts, through the StackSet ${members.plan.name} (${members.plan.accounts.map(member => member.id).join(', ') || 'no member account'}):\n${[...members.plan.notes, printable(formatInspection(members.inspection, 'In CloudFormation now: the StackSet')), ...members.commands].join('\n')}`
			: '';
		process.stdout.write(`Dry run: nothing is written to AWS.\n\n${notes}${live}${formatPlan(plan)}${stackSet}\n`);
	}
	return exitCodes.done;
}

/** The dry run of a permission set: its plan and commands, and with credentials what Identity Center has now. */
async function dryRunPermissionSet(options: SetupOptions, plan: PermissionSetPlan, record: SetupRecord, live: boolean): Promise<number> {
	let inspection: RoleInspection | undefined;
	if (live) {
		const {createOperations} = await import('../aws/operations.js');
		const {describeAwsError} = await import('../aws/problems.js');
		const operations = await createOperations({...options, verifyTimeoutMs: 0});
		inspection = await operations.identityCenter.inspect(plan, record).then(
			read => read.inspection,
			(error: unknown) => {
				throw error instanceof ProblemError ? error : new ProblemError(describeAwsError(error, {profile: options.profile}));
			},
		);
	}
	// --accounts all: the accounts are those the live read listed.
	const shown = inspection?.accountIds ? withOrganizationAccounts(plan, inspection.accountIds) : plan;
	if (options.json) printJson({dryRun: true, via: 'identity-center', permissionSet: shown, cliCommands: permissionSetCommands(shown), ...(inspection && {live: inspection})});
	else {
		const now = inspection ? `${printable(formatInspection(inspection, permissionSetInspectionHead))}\n\n` : '';
		process.stdout.write(`Dry run: nothing is written to AWS.\n\n${now}${formatPermissionSetPlan(shown)}\n`);
	}
	return exitCodes.done;
}
