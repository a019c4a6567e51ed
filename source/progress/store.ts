/**
 * Saved progress, one record per AWS account, in the user's config directory (mode 0600).
 * Holds settings, answers and what was written to AWS: never credentials.
 */
import {lstatSync, readFileSync, renameSync, type Stats} from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import envPaths from 'env-paths';
import {ProblemError} from '../core/problem.js';
import {printable} from '../core/text.js';
import type {ProgressStore} from '../engine/session.js';
import type {RecordWrite} from '../reconcile/model.js';
import type {SavedSetup} from '../engine/wizard.js';
import {savedSetupProblem} from './schema.js';

const formatVersion = 1;
/** A record is a few kilobytes; anything this large was not written by billing-setup, and reading it costs minutes. */
const maxFileBytes = 1024 * 1024;

interface ProgressDocument {
	version: number;
	setups: Record<string, SavedSetup>;
}

/**
 * Saves each AWS write into the account's record the moment it succeeds, as the wizard's session does, for the
 * commands that write outside it (undo, the member accounts), and lists it in `made`. `on`: what it was made on.
 */
export function writeRecorder(store: ProgressStore, accountId: string, made: Array<{action: string; target: string}>): (on: string) => RecordWrite {
	return on => (action, target, role = on) => {
		const saved = store.load(accountId)!;
		const at = new Date().toISOString();
		made.push({action, target});
		store.save({...saved, changes: [...saved.changes, {action, target, role, at}], updatedAt: at});
	};
}

export interface FileProgressStore extends ProgressStore {
	readonly path: string;
	/** Set when the file could not be used as it was (and, unless read-only, was moved aside to `copy`): say so. */
	readonly recovered?: {reason: string; copy?: string};
	list(): SavedSetup[];
	forget(accountId: string): boolean;
	forgetAll(): number;
}

function isValidSetup(value: unknown): value is SavedSetup {
	return savedSetupProblem(value) === undefined;
}

/** The directory holding progress.json (and the lock): the one conf would pick, or `cwd` in tests. */
export function progressDirectory(cwd?: string): string {
	return cwd ?? envPaths('billing-setup', {suffix: ''}).config;
}

/** Refuses what is not a plain file of ours at the path, each with its own reason; a missing file is fine. */
function refuseUnsafe(file: string): void {
	let stats: Stats;
	try {
		stats = lstatSync(file);
	} catch {
		return;
	}
	if (stats.isSymbolicLink()) {
		throw new ProblemError({
			title: 'The progress file is a symbolic link; billing-setup does not follow it.',
			why: `${file} points elsewhere, and writing through it would change another file.`,
			next: `Replace the link with a plain file (e.g. \`rm ${file}\`, which loses saved progress), or point XDG_CONFIG_HOME at another directory.`,
		});
	}
	if (stats.isDirectory()) {
		throw new ProblemError({
			title: 'There is a directory where the progress file should be.',
			why: `${file} is a directory, so billing-setup cannot keep its progress there.`,
			next: 'Move that directory away, or point XDG_CONFIG_HOME at another directory, then run billing-setup again.',
		});
	}
	if (!stats.isFile()) {
		throw new ProblemError({
			title: 'The progress file is not a regular file.',
			why: `${file} is a device, socket or pipe.`,
			next: 'Remove it, or point XDG_CONFIG_HOME at another directory, then run billing-setup again.',
		});
	}
	if (stats.size > maxFileBytes) {
		throw new ProblemError({
			title: `The progress file is too large to be billing-setup's (${(stats.size / 1024 / 1024).toFixed(1)} MB).`,
			why: `Saved progress takes a few kilobytes per account; ${file} is over ${maxFileBytes / 1024 / 1024} MB, so it was not read.`,
			next: `Move it away (e.g. \`mv ${file} ${file}.bak\`), then run billing-setup again.`,
		});
	}
}

/** Moves a file aside under a name that says why, keeping its contents for the user. */
function moveAside(file: string): string {
	const copy = `${file}.corrupt-${Date.now()}`;
	try {
		renameSync(file, copy);
	} catch (moveError) {
		throw unwritable(file, moveError);
	}
	return copy;
}

/** Why the file cannot be used as it is, or undefined when it can (or does not exist yet). */
function unreadableBecause(path: string): string | undefined {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (error as Error).message;
	}
	let document: Partial<ProgressDocument>;
	try {
		document = JSON.parse(text) as Partial<ProgressDocument>;
	} catch (error) {
		return `not valid JSON: ${(error as Error).message}`;
	}
	if (document === null || typeof document !== 'object') return 'not a JSON object';
	if (document.version !== undefined && document.version !== formatVersion) return `unknown format version ${document.version}`;
	if (document.setups !== undefined && (typeof document.setups !== 'object' || document.setups === null)) return '"setups" is not an object';
	return undefined;
}

/** The config directory (or a file in it) cannot be written. */
export function unwritable(file: string, error: unknown): ProblemError {
	return new ProblemError({
		title: 'billing-setup cannot save its progress.',
		why: `${file}: ${(error as Error).message}`,
		next: 'Make that directory writable, or point XDG_CONFIG_HOME at one that is, then run billing-setup again.',
	});
}

/** `readOnly` (status) never moves or rewrites the file: another run may hold the lock and be using it. */
export function openProgressStore(options: {cwd?: string; readOnly?: boolean} = {}): FileProgressStore {
	const directory = progressDirectory(options.cwd);
	const file = path.join(directory, 'progress.json');
	// Before conf reads it: conf would follow a link, fail on a directory, and read any size.
	refuseUnsafe(file);
	const settings = {
		projectName: 'billing-setup',
		projectSuffix: '',
		configName: 'progress',
		configFileMode: 0o600,
		accessPropertiesByDotNotation: false,
		cwd: directory,
	};
	let conf: Conf<ProgressDocument>;
	try {
		// Lenient here only so the constructor cannot throw on content; the file is checked below, and kept.
		conf = new Conf<ProgressDocument>({...settings, clearInvalidConfig: true});
	} catch (error) {
		throw unwritable(directory, error);
	}
	const setups = (): Record<string, SavedSetup> => conf.get('setups') ?? {};
	const write = (next: Record<string, SavedSetup>) => {
		// The path may have been replaced since it was opened; a write must never go through a link.
		refuseUnsafe(conf.path);
		try {
			conf.store = {version: formatVersion, setups: next};
		} catch (error) {
			throw unwritable(conf.path, error);
		}
	};

	let recovered: FileProgressStore['recovered'];
	const problem = unreadableBecause(conf.path);
	if (problem) {
		recovered = {reason: problem, ...(!options.readOnly && {copy: moveAside(conf.path)})};
	} else {
		// A record that breaks the flags' rules is not trusted: the file is kept as it was, the valid records go on.
		const all = Object.entries(setups());
		const invalid = all.flatMap(([key, setup]) => {
			const why = savedSetupProblem(setup) ?? (setup.accountId === key ? undefined : `it is filed under account ${key}`);
			return why ? [`the saved setup for account ${key} is not valid (${why})`] : [];
		});
		if (invalid.length > 0) {
			recovered = {reason: printable(invalid.join('; '))};
			if (!options.readOnly) {
				recovered = {...recovered, copy: moveAside(conf.path)};
				write(Object.fromEntries(all.filter(([key, setup]) => isValidSetup(setup) && setup.accountId === key)));
			}
		}
	}

	return {
		path: conf.path,
		recovered,
		load(accountId) {
			const setup = setups()[accountId];
			return isValidSetup(setup) ? setup : undefined;
		},
		save(setup) {
			write({...setups(), [setup.accountId]: setup});
		},
		list: () => Object.values(setups()).filter(isValidSetup),
		forget(accountId) {
			const {[accountId]: forgotten, ...rest} = setups();
			if (!forgotten) return false;
			write(rest);
			return true;
		},
		forgetAll() {
			const count = Object.keys(setups()).length;
			write({});
			return count;
		},
	};
}
