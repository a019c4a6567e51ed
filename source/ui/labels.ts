/** What each AWS wait says; kept apart from the screens so the CLI can draw the first one before Ink loads. */
export const workingLabel = {
	identity: 'Asking AWS who you are…',
	'inspect-policy': 'Reading the managed policy from IAM…',
	'list-principals': 'Listing IAM users and roles…',
	'check-live': 'Reading the role from IAM…',
	'inspect-role': 'Reading the role from IAM to compare it with your answers…',
	create: 'Writing the changes to IAM…',
	remove: 'Removing what this setup created…',
	verify: 'Verifying: reading the role back and switching to it…',
} as const;
