/** status, reset and undo: small commands around the saved progress and the role the tool created. */
import type {CommonOptions, Command} from '../args.js';
import type {STSClient} from '@aws-sdk/client-sts';
import {describeAwsError} from '../aws/problems.js';
import {exitCodes, ProblemError} from '../core/problem.js';
import {defaultSettings} from '../core/settings.js';
import type {Identity} from '../core/principal.js';
import {printable} from '../core/text.js';
import type {SavedSetup} from '../engine/wizard.js';
import {paint} from '../present.js';
import {lockProgress} from '../progress/lock.js';
import {openProgressStore, progressDirectory} from '../progress/store.js';
import {confirm, exitOnStopSignals, printJson, say} from '../terminal.js';
import {recoveredNotice} from './setup.js';

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

function lastWrite(setup: SavedSetup): string {
	return setup.changes.length === 0 ? 'nothing yet' : setup.changes.map(change => change.action.replace('iam:', '')).join(', ');
}

export async function runStatus(options: Options<'status'>): Promise<number> {
	const store = openStore();
	const setups = store.list();
	// The mark is a courtesy: status still lists everything without credentials.
	const current = await identify(options).then(
		identity => identity.accountId,
		(error: unknown) => {
			say(printable(`(Current account unknown: ${error instanceof ProblemError ? error.problem.title : String(error)})`));
			return undefined;
		},
	);
	if (options.json) {
		printJson({progressFile: store.path, currentAccount: current ?? null, setups: setups.map(setup => ({...setup, current: setup.accountId === current}))});
		return exitCodes.done;
	}
	if (setups.length === 0) {
		process.stdout.write(`No saved setups (${store.path}).\n`);
		return exitCodes.done;
	}
	for (const setup of setups) {
		const mark = setup.accountId === current ? paint('green', '▶', process.stdout) : ' ';
		const state = setup.removedAt ? `role removed ${setup.removedAt}` : setup.finished ? 'finished' : `stopped at ${setup.step}`;
		// The record passed the schema, but its free text (the actions written) comes from a file anyone can edit.
		const lines = [
			`${setup.accountId}  role ${setup.settings.roleName}  ${state}`,
			`    written: ${lastWrite(setup)}; root activation: ${setup.activation ?? 'not answered'}; updated ${setup.updatedAt}`,
		];
		process.stdout.write(`${mark} ${printable(lines.join('\n'))}\n`);
	}
	process.stdout.write(`Progress file: ${store.path}\n`);
	return exitCodes.done;
}

export async function runReset(options: Options<'reset'>): Promise<number> {
	const store = openStore({lock: true});
	exitOnStopSignals(() => say('\nStopped: nothing was forgotten.'));
	const account = options.all ? undefined : (options.account ?? (await identify(options)).accountId);
	const what = account ? `saved progress for account ${account}` : `saved progress for all ${store.list().length} accounts`;
	if (!options.yes && !(await confirm(`Forget ${what}? Nothing in AWS is changed.`))) {
		say('Nothing forgotten.');
		return exitCodes.done;
	}
	if (account) say(store.forget(account) ? `Forgot ${what}.` : `There was no saved progress for account ${account}.`);
	else say(`Forgot saved progress for ${store.forgetAll()} account(s).`);
	return exitCodes.done;
}

export async function runUndo(options: Options<'undo'>): Promise<number> {
	const store = openStore({lock: true});
	// Each deletion is saved as it succeeds; undo again finishes the rest.
	exitOnStopSignals(() => say('\nStopped. Run billing-setup undo again to finish.'));
	const {createClients} = await import('../aws/clients.js');
	const clients = await createClients(options);
	const identity = await identify(options, clients.sts);
	const saved = store.load(identity.accountId);
	const roleName = options.roleName ?? saved?.settings.roleName ?? defaultSettings.roleName;
	const {roleOwnership, removeRole} = await import('../aws/operations.js');
	const {listAttachedPolicyArns, listInlinePolicyNames} = await import('../aws/role.js');
	const fail = (error: unknown) => {
		throw new ProblemError(describeAwsError(error, {identity, profile: options.profile}));
	};
	const ownership = await roleOwnership(clients, roleName).catch(fail);
	const report = (removed: boolean, roleArn?: string) => options.json && printJson({account: identity.accountId, roleName, roleArn: roleArn ?? null, removed});
	if (ownership.kind === 'missing') {
		say(`There is no role named ${roleName} in account ${identity.accountId}: nothing to undo.`);
		report(false);
		return exitCodes.done;
	}
	if (ownership.kind === 'foreign') {
		throw new ProblemError({
			title: `The role ${roleName} was not created by billing-setup, so undo leaves it alone.`,
			why: 'It has no ManagedBy=billing-setup tag; billing-setup only deletes roles it created.',
			next: 'Delete it yourself in the IAM console if you mean to, or pass --role-name for the role billing-setup created.',
		});
	}
	const managed = await listAttachedPolicyArns(clients.iam, roleName).catch(fail);
	const inline = await listInlinePolicyNames(clients.iam, roleName).catch(fail);
	say(`This deletes the role ${ownership.arn}:`);
	for (const arn of managed) say(`  detach ${arn}`);
	for (const name of inline) say(`  delete inline policy ${name}`);
	say('  delete the role');
	if (!options.yes && !(await confirm('Delete it?'))) {
		say('Nothing deleted.');
		report(false, ownership.arn);
		return exitCodes.done;
	}
	const now = () => new Date().toISOString();
	const base: SavedSetup = saved ?? {
		accountId: identity.accountId,
		callerArn: identity.arn,
		step: 'identity',
		finished: false,
		settings: {...defaultSettings, roleName},
		changes: [],
		startedAt: now(),
		updatedAt: now(),
	};
	let record = base;
	await removeRole(clients, {roleName, roleArn: ownership.arn}, (action, target) => {
		record = {...record, changes: [...record.changes, {action, target, at: now()}], updatedAt: now()};
		store.save(record);
	}).catch(fail);
	store.save({...record, finished: false, step: 'identity', removedAt: now()});
	say(`${paint('green', '✔')} Deleted ${ownership.arn}.`);
	report(true, ownership.arn);
	return exitCodes.done;
}
