import {spawnSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {ProblemError} from '../../source/core/problem.js';
import {lockProgress} from '../../source/progress/lock.js';
import {tempConfigHome} from '../support/cli.js';

const lockIn = (directory: string) => path.join(directory, 'progress.lock');
const owner = (directory: string) => JSON.parse(readFileSync(lockIn(directory), 'utf8')) as {pid: number; startedAt: string};

describe('progress lock', () => {
	test('holds the owner pid and start time', () => {
		const directory = tempConfigHome();
		lockProgress(directory);
		expect(owner(directory).pid).toBe(process.pid);
		expect(Number.isNaN(Date.parse(owner(directory).startedAt))).toBe(false);
	});

	test('a live owner keeps it, and the second run is told which process that is', () => {
		const directory = tempConfigHome();
		// The test runner's parent is alive for as long as this test runs.
		writeFileSync(lockIn(directory), JSON.stringify({pid: process.ppid, startedAt: '2026-11-23T10:00:00.000Z'}));
		try {
			lockProgress(directory);
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(ProblemError);
			const {problem} = error as ProblemError;
			expect(problem.title).toBe(`Another billing-setup is running (process ${process.ppid}, started 2026-11-23T10:00:00.000Z).`);
			expect(problem.next).toContain(lockIn(directory));
		}
		expect(owner(directory).pid).toBe(process.ppid);
	});

	test.each([
		['whose process has died', () => JSON.stringify({pid: spawnSync(process.execPath, ['-e', '']).pid, startedAt: 'earlier'})],
		['that names no owner', () => 'half-writ'],
	])('a lock %s is stale and taken over', (_name, content) => {
		const directory = tempConfigHome();
		writeFileSync(lockIn(directory), content());
		lockProgress(directory);
		expect(owner(directory).pid).toBe(process.pid);
	});
});
