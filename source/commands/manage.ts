/** status, reset and undo: small commands around the saved progress and the roles the tool created. */
import type {CommonOptions, Command} from '../args.js';
import type {STSClient} from '@aws-sdk/client-sts';
import {describeAwsError} from '../aws/problems.js';
import {exitCodes, ProblemError, type Problem} from '../core/problem.js';
import type {Identity} from '../core/principal.js';
import {createdByRecord, createdStackSets, removalsOf, savedContext, targetOf, targets, type TargetContext} from '../engine/target.js';
import {viewOf} from '../made.js';
import {activationDone, latestCheck, type SavedSetup} from '../engine/wizard.js';
import {billingAccessLine, type BillingAccessCheck} from '../core/billing-access.js';
import {printable} from '../core/text.js';
import {defaultSettings} from '../core/settings.js';
import {steps} from '../engine/wizard.js';
import {formatInspection, paint} from '../present.js';
import {lockProgress} from '../progress/lock.js';
import {openProgressStore, progressDirectory, writeRecorder} from '../progress/store.js';
import {substantive, type RoleInspection} from '../reconcile/role-resources.js';
import {timeAgo, withSpinner} from '../spinner.js';
import {confirm, exitOnStopSignals, printJson, say} from '../terminal.js';
import {recoveredNotice} from './setup.js';
import {membersStatus, removeMembers} from './members.js';
import {stackSetNameOf} from '../core/template.js';

type Options<K extends 'status' | 'reset' | 'undo'> = Extract<Command, {kind: K}>['options'];

/** Who the caller is; loads only the STS client unless one is given. */
async function identify(options: CommonOptions, given?: STSClient): Promise<Identity> {
	const {identifyCaller} = await import('../aws/sts.js');
	return identifyCaller(options, given);
}

/** The store for reading; with `lock`, for writing too: then no other run may use it until this one ends. */
function openStore({lock = false} = {}) {
	if (lock) lockProgress(progressDirectory());
	const store = openProgressStore({readOnly: !lock});
	const notice = recoveredNotice(store);
	if (notice) say(notice);
	return store;
}

async function operationsFor(options: CommonOptions) {
	const {createOperations} = await import('../aws/operations.js');
	return createOperations({...options, verifyTimeoutMs: 0});
}


const activationWords = {confirmed: 'you said it is on', 'not-yet': 'not done yet', unanswered: 'not answered'} as const;

/** The root-only setting as the record last knew it: AWS's answer, when, and to whom; else what the person said. */
function rootActivationWords(setup: SavedSetup): string {
	const check = latestCheck(setup);
	if (check) return `${billingAccessLine(check)} (${timeAgo(check.at)})`;
	return `${activationWords[setup.activation ?? 'unanswered']} (AWS not asked: billing-setup status --check)`;
}

/** What the verification proved: "verified" only when the switch happened. */
function verificationWords(setup: SavedSetup): string {
	const {verification} = setup;
	if (!verification) return '';
	return verification.assumedAs ? `; verified ${timeAgo(verification.at)}: switched to it` : `; read back ${timeAgo(verification.at)} (no switch was tried)`;
}

function lastWrite(setup: SavedSetup): string {
	return setup.changes.length === 0 ? 'nothing yet' : setup.changes.map(change => change.action.replace(/^(iam|sso):/, '')).join(', ');
}

export async function runStatus(options: Options<'status'>): Promise<number> {
	if (options.handoff) return printHandOff(options);
	const store = openStore();
	const setups = store.list();
	// The mark and the live check are a courtesy: status still lists everything without credentials.
	const identity = options.offline
		? undefined
		: await withSpinner('Asking AWS who you are…', identify(options)).catch((error: unknown) => {
				say(printable(`(Current account unknown: ${error instanceof ProblemError ? error.problem.title : String(error)})`));
				return undefined;
			});
	const current = identity?.accountId;
	let own = setups.find(setup => setup.accountId === current && !setup.removedAt);
	const operations = identity && (own || options.check) ? await operationsFor(options) : undefined;
	const check = identity && operations && options.check ? await withSpinner('Asking Cost Explorer as you whether IAM access to billing is on…', operations.checkBillingAccess(identity)) : undefined;
	if (check && own) own = saveCheck(own, check);
	const live = identity && operations && own ? await readLive(options, operations, identity, own) : undefined;
	const members = identity && own ? await membersStatus(options, identity, own) : undefined;
	// The saved part is printed either way; a script learns from the exit code that the live part is missing.
	const exitCode = (!options.offline && !identity) || (live && 'error' in live) ? exitCodes.failed : exitCodes.done;
	if (options.json) {
		printJson({
			progressFile: store.path,
			currentAccount: current ?? null,
			...(check && {check}),
			setups: setups.map(setup => ({...setup, current: setup.accountId === current, ...(setup === own && live && {live}), ...(setup === own && members && {stackSet: members.json})})),
		});
		return exitCode;
	}
	if (check) process.stdout.write(`${printable(`${billingAccessLine(check)}.`)}\n`);
	if (setups.length === 0) {
		process.stdout.write(`No saved setups (${store.path}).\n`);
		return exitCode;
	}
	for (const setup of setups.map(setup => (setup.accountId === own?.accountId ? own : setup))) {
		const mark = setup.accountId === current ? paint('green', '▶', process.stdout) : ' ';
		const made = targetOf(setup.settings);
		const state = setup.removedAt ? `${made.noun} removed ${timeAgo(setup.removedAt)}` : setup.finished ? 'finished' : `stopped at ${steps[setup.step]?.title ?? setup.step}`;
		// The record passed the schema, but its free text comes from a file anyone can edit, and AWS's from the network.
		const lines = [
			`${setup.accountId}  ${made.noun} ${made.name({...defaultSettings, ...setup.settings})}  ${state}`,
			`    written: ${lastWrite(setup)}; updated ${timeAgo(setup.updatedAt)}${verificationWords(setup)}`,
			`    root activation: ${rootActivationWords(setup)}`,
		];
		if (setup === own && live) {
			const text = 'error' in live ? `Could not read it: ${live.error.title}` : formatInspection(live, viewOf(contextFor(setup, identity!)).where);
			lines.push(...text.split('\n').map(line => `    ${line}`));
		}
		if (setup === own && members) lines.push(...members.lines.map(line => `    ${line}`));
		process.stdout.write(`${mark} ${printable(lines.join('\n'))}\n`);
	}
	if (identity && !own) {
		const removed = setups.some(setup => setup.accountId === current && setup.removedAt);
		process.stdout.write(removed ? '(The current account’s setup was removed: nothing to check live.)\n' : '(Nothing saved for the current account to check live.)\n');
	}
	process.stdout.write(`Progress file: ${store.path}\n`);
	return exitCode;
}

type Operations = Awaited<ReturnType<typeof operationsFor>>;

/** Keeps a check made by status --check with the record it speaks for, under the lock every writer takes. */
function saveCheck(setup: SavedSetup, check: BillingAccessCheck): SavedSetup {
	const updated = {...setup, activationCheck: check, updatedAt: new Date().toISOString()};
	openStore({lock: true}).save(updated);
	return updated;
}

/** A saved setup's context for this run's caller, in its account. */
function contextFor(setup: SavedSetup, identity: Identity): TargetContext {
	return savedContext(setup, {accountId: identity.accountId, partition: identity.partition, caller: identity});
}

/** The setup's role or permission set as AWS has it now, compared with the record; a failed read is said, not thrown. */
async function readLive(options: CommonOptions, operations: Operations, identity: Identity, setup: SavedSetup): Promise<RoleInspection | {error: Problem}> {
	const made = targetOf(setup.settings);
	return withSpinner(`Reading the ${made.noun} from ${made.service}…`, made.inspect(operations, contextFor(setup, identity))).then(
		({inspection}) => inspection,
		(error: unknown) => ({error: describeAwsError(error, {identity, profile: options.profile})}),
	);
}

/**
 * The hand-off works only while what it names is live: a deleted role fails here, as its URL and profile would;
 * differences are said above the block, so it is never printed as if all were in place.
 */
async function liveForHandOff(options: CommonOptions, operations: Operations, identity: Identity, setup: SavedSetup): Promise<RoleInspection> {
	const live = await readLive(options, operations, identity, setup);
	if ('error' in live) throw new ProblemError(live.error);
	const made = targetOf(setup.settings);
	if (live.ownership === 'absent') {
		throw new ProblemError({
			title: `The ${made.noun} ${made.name(contextFor(setup, identity).settings)} is gone: it was deleted outside billing-setup.`,
			why: 'Its hand-off would not work, so it is not printed.',
			next: 'Run billing-setup to make it again.',
		});
	}
	for (const difference of substantive(live.differences)) say(`${paint('yellow', '!')} ${printable(`It differs from the setup now: ${difference.summary}`)}`);
	if (substantive(live.differences).length > 0) say('Run billing-setup to review and repair it.');
	return live;
}

/** What the current account's finished setup printed at its end, for the credentials of this run. */
async function printHandOff(options: Options<'status'>): Promise<number> {
	const store = openStore();
	const identity = await identify(options);
	const setup = store.load(identity.accountId);
	if (!setup?.finished || setup.removedAt) {
		throw new ProblemError({
			title: `No finished setup for account ${identity.accountId} is saved here.`,
			why: 'status --handoff prints the switch-role URL and profile of a setup that billing-setup finished on this machine.',
			next: 'Run billing-setup to finish one, or billing-setup status to see what is saved.',
		});
	}
	const operations = await operationsFor(options);
	const live = await liveForHandOff(options, operations, identity, setup);
	const differences = substantive(live.differences).map(({summary, widening}) => ({summary, widening}));
	const context = contextFor(setup, identity);
	// The profile names this caller's MFA device, read now: the one saved may be someone else's.
	const serial =
		targetOf(setup.settings).asks.includes('mfa') && context.settings.requireMfa
			? await operations.mfaDevice(identity).catch((error: unknown) => {
					throw new ProblemError(describeAwsError(error, {identity, profile: options.profile}));
				})
			: undefined;
	const verification = setup.verification && {...setup.verification, mfa: serial ? {userArn: identity.arn, serial} : undefined};
	const view = viewOf({...context, inspection: live, ...(verification && {verification})});
	if (options.json) printJson({...view.handOff(), differences});
	else process.stdout.write(`${view.finish({done: activationDone(setup), check: latestCheck(setup)})}\n`);
	return exitCodes.done;
}

export async function runReset(options: Options<'reset'>): Promise<number> {
	const store = openStore({lock: true});
	exitOnStopSignals(() => say('\nStopped: nothing was forgotten.'));
	const account = options.all ? undefined : (options.account ?? (await withSpinner('Asking AWS who you are…', identify(options))).accountId);
	const what = account ? `saved progress for account ${account}` : `saved progress for all ${store.list().length} accounts`;
	// What undo will no longer know: what the record made stays in AWS, and a later run sees it as made elsewhere.
	const made = store.list().filter(setup => !setup.removedAt && (!account || setup.accountId === account)).flatMap(setup => createdByRecord(setup.changes));
	if (made.length > 0) {
		say(`${paint('yellow', '!')} ${printable(`This record is how undo knows what billing-setup made: ${made.join(', ')}. Forgotten, they stay in AWS, undo can no longer remove them, and a later run treats them as made elsewhere. To remove them, run billing-setup undo first.`)}`);
	}
	if (!options.yes && !(await confirm(`Forget ${what}? Nothing in AWS is changed.`))) {
		say('Nothing forgotten.');
		return exitCodes.done;
	}
	if (account) say(store.forget(account) ? `Forgot ${what}.` : `There was no saved progress for account ${account}.`);
	else say(`Forgot saved progress for ${store.forgetAll()} account(s).`);
	return exitCodes.done;
}

interface UndoResult {
	ok: boolean;
	account?: string;
	/** Roles this record created that undo removed (or would have). */
	roles: string[];
	/** Permission sets (ARNs) this record created that undo removed (or would have). */
	permissionSets: string[];
	removed: boolean;
	/** Writes undo made. */
	writes: Array<{action: string; target: string}>;
	error?: Problem;
}

/**
 * Removes exactly what the local record says billing-setup created: every role it created and has not
 * removed (a rename leaves two), never a role it did not create, and nothing at all while any of them
 * has grants it did not make (unless --force) or sits in an instance profile.
 */
export async function runUndo(options: Options<'undo'>): Promise<number> {
	const result: UndoResult = {ok: false, roles: [], permissionSets: [], removed: false, writes: []};
	try {
		return await undo(options, result);
	} catch (error) {
		if (!(error instanceof ProblemError)) throw error;
		// The error goes to stderr through cli.ts; scripts still get their one document.
		if (options.json) printJson({...result, error: error.problem});
		throw error;
	}
}

async function undo(options: Options<'undo'>, result: UndoResult): Promise<number> {
	const store = openStore({lock: true});
	// Each deletion is saved as it succeeds; undo again finishes the rest.
	exitOnStopSignals(() => say('\nStopped. Run billing-setup undo again to finish.'));
	const operations = await operationsFor(options);
	const identity = await withSpinner('Asking AWS who you are…', identify(options, operations.clients.sts));
	result.account = identity.accountId;
	const saved = store.load(identity.accountId);
	const fail = (error: unknown): never => {
		throw error instanceof ProblemError ? error : new ProblemError(describeAwsError(error, {identity, profile: options.profile}));
	};
	const setup = saved && !saved.removedAt ? saved : undefined;
	const recorded = setup ? targets.role.created(setup.changes) : [];
	// --role-name picks one role; the permission sets and the StackSet stay.
	const keep = options.roleName ? (arn: string) => arn.endsWith(`/${options.roleName}`) : () => true;
	if (options.roleName && !recorded.some(keep)) {
		throw new ProblemError({
			title: `billing-setup did not create a role named ${options.roleName} from this machine, so undo leaves it alone.`,
			why: 'undo removes only what the local progress record says billing-setup created; roles made elsewhere or by hand are never deleted.',
			next: `Delete it yourself in the IAM console if you mean to, or run undo where it was set up.${recorded.length > 0 ? ` This record created: ${recorded.join(', ')}.` : ''}`,
		});
	}
	const stackSet = Boolean(setup && !options.roleName && createdStackSets(setup.changes).length > 0);
	if (!setup || (!createdByRecord(setup.changes).some(keep) && !stackSet)) {
		say(`billing-setup has no record of creating a role or permission set in account ${identity.accountId}: nothing to undo.`);
		if (options.json) printJson({...result, ok: true});
		return exitCodes.done;
	}
	result.roles = recorded.filter(keep);
	result.permissionSets = targets['permission-set'].created(setup.changes).filter(keep);
	// The same removal as the wizard's Remove: every check is read before anything goes.
	const removals = await withSpinner('Reading what this setup made…', removalsOf(operations, contextFor(setup, identity), {force: options.force, keep})).catch(fail);
	const items = removals.flatMap(removal => removal.items);
	for (const item of items) {
		if (!item.live) {
			say(printable(`${item.what} is already gone.`));
			continue;
		}
		say(printable(`This deletes ${item.what}:`));
		for (const step of item.steps) say(printable(`  ${step}`));
	}
	if (stackSet) say(`This deletes the StackSet ${stackSetNameOf(setup.settings.roleName)} this record made, and the role it made in each member account.`);
	if (!options.yes && !(await confirm('Delete it?'))) {
		say('Nothing deleted.');
		if (options.json) printJson({...result, ok: true});
		return exitCodes.done;
	}
	const now = () => new Date().toISOString();
	// The members first: their StackSet saves its own writes, so the record below is read after it.
	if (stackSet) result.writes.push(...(await removeMembers(options, store, identity, say).catch(fail)));
	const recorder = writeRecorder(store, identity.accountId, result.writes);
	for (const removal of removals) await withSpinner('Deleting what this setup made…', removal.apply(recorder)).catch(fail);
	store.save({...store.load(identity.accountId)!, finished: false, step: 'identity', removedAt: now()});
	for (const item of items) if (item.live) say(`${paint('green', '✔')} ${printable(`Deleted ${item.arn}.`)}`);
	result.ok = true;
	result.removed = true;
	if (options.json) printJson(result);
	return exitCodes.done;
}
