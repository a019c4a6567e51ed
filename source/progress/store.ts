/**
 * Saved progress, one record per AWS account, in the user's config directory (mode 0600).
 * Holds settings, answers and what was written to AWS: never credentials.
 */
import {readFileSync, renameSync} from 'node:fs';
import Conf from 'conf';
import {ProblemError} from '../core/problem.js';
import type {ProgressStore} from '../engine/session.js';
import type {SavedSetup} from '../engine/wizard.js';

const formatVersion = 1;

interface ProgressDocument {
	version: number;
	setups: Record<string, SavedSetup>;
}

export interface FileProgressStore extends ProgressStore {
	readonly path: string;
	/** Set when an unreadable file was moved aside at start: say so to the user. */
	readonly recovered?: {copy: string; reason: string};
	list(): SavedSetup[];
	forget(accountId: string): boolean;
	forgetAll(): number;
}

/** A hand-edited record that lacks what resume needs is ignored rather than trusted. */
function looksLikeSetup(value: unknown): value is SavedSetup {
	const setup = value as Partial<SavedSetup> | undefined;
	return (
		typeof setup?.accountId === 'string' &&
		typeof setup.step === 'string' &&
		typeof setup.settings?.roleName === 'string' &&
		Array.isArray(setup.changes)
	);
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

function unwritable(path: string, error: unknown): ProblemError {
	return new ProblemError({
		title: 'billing-setup cannot save its progress.',
		why: `${path}: ${(error as Error).message}`,
		next: 'Make that directory writable, or point XDG_CONFIG_HOME at one that is, then run billing-setup again.',
	});
}

export function openProgressStore(options: {cwd?: string} = {}): FileProgressStore {
	const settings = {
		projectName: 'billing-setup',
		projectSuffix: '',
		configName: 'progress',
		configFileMode: 0o600,
		accessPropertiesByDotNotation: false,
		...(options.cwd && {cwd: options.cwd}),
	};
	let conf: Conf<ProgressDocument>;
	try {
		// Lenient here only so the constructor cannot throw on content; the file is checked below, and kept.
		conf = new Conf<ProgressDocument>({...settings, clearInvalidConfig: true});
	} catch (error) {
		throw unwritable(options.cwd ?? 'the config directory', error);
	}
	let recovered: FileProgressStore['recovered'];
	const problem = unreadableBecause(conf.path);
	if (problem) {
		const copy = `${conf.path}.corrupt-${Date.now()}`;
		try {
			renameSync(conf.path, copy);
		} catch (moveError) {
			throw unwritable(conf.path, moveError);
		}
		recovered = {copy, reason: problem};
	}

	const setups = (): Record<string, SavedSetup> => conf.get('setups') ?? {};
	const write = (next: Record<string, SavedSetup>) => {
		try {
			conf.store = {version: formatVersion, setups: next};
		} catch (error) {
			throw unwritable(conf.path, error);
		}
	};

	return {
		path: conf.path,
		recovered,
		load(accountId) {
			const setup = setups()[accountId];
			return looksLikeSetup(setup) ? setup : undefined;
		},
		save(setup) {
			write({...setups(), [setup.accountId]: setup});
		},
		list: () => Object.values(setups()).filter(looksLikeSetup),
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
