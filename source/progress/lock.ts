/**
 * One run at a time per config directory: an exclusive lock file next to progress.json, holding the owner's
 * pid and start time. Two runs sharing the progress file would each record the other's writes as their own.
 */
import {linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {ProblemError} from '../core/problem.js';
import {printable} from '../core/text.js';
import {unwritable} from './store.js';

interface Owner {
	pid: number;
	startedAt: string;
}

function readText(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
}

function parseOwner(text: string | undefined): Owner | undefined {
	try {
		const owner = JSON.parse(text ?? '') as Partial<Owner>;
		return Number.isInteger(owner.pid) && typeof owner.startedAt === 'string' ? (owner as Owner) : undefined;
	} catch {
		return undefined;
	}
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, under another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Creates the lock file only if none exists. Written aside and then hard-linked into place (which fails if the
 * name exists, link or not), so no run ever reads a lock that is still empty.
 */
function create(file: string, owner: Owner): boolean {
	const draft = `${file}.${process.pid}`;
	try {
		writeFileSync(draft, JSON.stringify(owner), {mode: 0o600});
		linkSync(draft, file);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw unwritable(file, error);
	} finally {
		rmSync(draft, {force: true});
	}
}

/**
 * Removes the stale lock that was read, and only that one. Moved aside atomically first: if what was moved is not
 * what was read, another run had just taken the lock over, and it goes back.
 */
function removeStale(file: string, seen: string | undefined): void {
	const moved = `${file}.stale-${process.pid}`;
	try {
		renameSync(file, moved);
	} catch {
		// Already gone: another run removed it.
		return;
	}
	try {
		if (readText(moved) !== seen) linkSync(moved, file);
	} catch {
		// A third run created one in the meantime; it holds the lock.
	} finally {
		rmSync(moved, {force: true});
	}
}

/**
 * Takes the lock for this process, or says which process holds it. A lock whose owner has died (or that holds
 * no owner) is stale and taken over. Released when the process exits, however it ends, except by SIGKILL:
 * then the next run finds the owner dead.
 */
export function lockProgress(directory: string): void {
	try {
		mkdirSync(directory, {recursive: true});
	} catch (error) {
		throw unwritable(directory, error);
	}
	const file = path.join(directory, 'progress.lock');
	const owner = {pid: process.pid, startedAt: new Date().toISOString()};
	if (!create(file, owner)) {
		const seen = readText(file);
		const holder = parseOwner(seen);
		if (holder && holder.pid !== process.pid && isRunning(holder.pid)) {
			throw new ProblemError({
				title: `Another billing-setup is running (process ${holder.pid}, started ${printable(holder.startedAt)}).`,
				why: `It holds ${file}; two runs at once would mix up their saved progress.`,
				next: `Wait for it to finish (or stop it), then run billing-setup again. If process ${holder.pid} is not billing-setup, delete ${file}.`,
			});
		}
		removeStale(file, seen);
		// Another run may have taken it over first: then it is theirs, and the next look says so.
		if (!create(file, owner)) return lockProgress(directory);
	}
	process.once('exit', () => {
		// Only our own lock: never one a later run took over.
		if (parseOwner(readText(file))?.pid === process.pid) unlinkSync(file);
	});
}
