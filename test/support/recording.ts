/** A local record for reconciler tests, which grows as a session's would: each write with what it was made on. */
import type {SetupRecord} from '../../source/reconcile/role-resources.js';

export function recording(setupId = 'mine'): SetupRecord & {write(action: string, target: string, on?: string): void; actions(): string[]} {
	const changes: SetupRecord['changes'] = [];
	return {
		setupId,
		changes,
		write: (action, target, on) => void changes.push({action, target, ...(on && {role: on})}),
		actions: () => changes.map(change => change.action),
	};
}
