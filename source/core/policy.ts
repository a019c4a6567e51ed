/** Reading policy documents: comparison that ignores form, and who a trust policy lets in. */

/** IAM returns policy documents URL-encoded. */
export function parsePolicyDocument(text: string | undefined): unknown {
	if (!text) return undefined;
	return JSON.parse(decodeURIComponent(text));
}

/** Key order and one-element lists do not change what a policy means. */
function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.length === 1 ? canonical(value[0]) : value.map(canonical);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value)
				.sort(([a], [b]) => a.localeCompare(b))
				.map(([key, entry]) => [key, canonical(entry)]),
		);
	}
	return value;
}

export function samePolicy(a: unknown, b: unknown): boolean {
	return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

type Statement = {Effect?: unknown; Action?: unknown; NotAction?: unknown; Principal?: unknown; NotPrincipal?: unknown; Condition?: unknown};

function statements(document: unknown): Statement[] {
	const list = (document as {Statement?: unknown})?.Statement;
	return (Array.isArray(list) ? list : [list]).filter((statement): statement is Statement => Boolean(statement) && typeof statement === 'object');
}

/**
 * Every principal an Allow statement names, as `AWS:arn`, `Service:ec2.amazonaws.com`, `*`…
 * NotPrincipal lets in everyone but the named, so it counts as `*`.
 */
export function trustedPrincipals(document: unknown): string[] {
	const found = new Set<string>();
	for (const statement of statements(document)) {
		if (statement.Effect !== 'Allow') continue;
		if (statement.NotPrincipal !== undefined || statement.Principal === '*') found.add('*');
		const principal = statement.Principal;
		if (principal && typeof principal === 'object') {
			for (const [kind, value] of Object.entries(principal)) {
				for (const entry of [value].flat()) found.add(entry === '*' ? '*' : `${kind}:${String(entry)}`);
			}
		}
	}
	return [...found].sort();
}

/** Whether every Allow statement requires MFA. */
export function requiresMfa(document: unknown): boolean {
	const allows = statements(document).filter(statement => statement.Effect === 'Allow');
	return allows.length > 0 && allows.every(statement => JSON.stringify(statement.Condition ?? {}).includes('aws:MultiFactorAuthPresent'));
}

/** A principal as a person reads it: `user/alice`, `role/Admin`, `account 123456789012`, `ec2.amazonaws.com`. */
/** `user/bob` for a principal of `accountId` (this account); another account's stays whole, so no one mistakes it for ours. */
export function principalLabel(principal: string, accountId?: string): string {
	if (principal === '*') return 'anyone (*)';
	const [kind, ...rest] = principal.split(':');
	const value = rest.join(':');
	if (kind !== 'AWS') return value || principal;
	if (/^\d{12}$/.test(value)) return `account ${value}`;
	const match = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):(.+)$/.exec(value);
	if (!match) return value;
	if (match[2] === 'root') return `account ${match[1]}`;
	return accountId === undefined || match[1] === accountId ? match[2]! : value;
}

function actionMatches(pattern: unknown, action: string): boolean {
	if (typeof pattern !== 'string') return false;
	const expression = pattern
		.toLowerCase()
		.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&')
		.replaceAll('*', '.*')
		.replaceAll('?', '.');
	return new RegExp(`^${expression}$`).test(action.toLowerCase());
}

/** Whether a statement names the action: through Action, or NotAction (every action but those). */
function statementCovers(statement: Statement, action: string): boolean {
	if (statement.Action !== undefined) return [statement.Action].flat().some(pattern => actionMatches(pattern, action));
	if (statement.NotAction !== undefined) return ![statement.NotAction].flat().some(pattern => actionMatches(pattern, action));
	return false;
}

/** Whether a policy document allows an action, honouring `*` wildcards and ignoring conditions. */
export function policyAllows(document: unknown, action: string): boolean {
	return statements(document).some(statement => statement.Effect === 'Allow' && statementCovers(statement, action));
}

export type ActionDecision = 'allowed' | 'denied' | 'not-allowed';

/**
 * What a set of identity policies decide for an action, as IAM evaluates them: an explicit Deny wins, then any
 * Allow. Statements with a condition may or may not apply, so they decide nothing and are counted instead.
 */
export function decideAction(documents: unknown[], action: string): {decision: ActionDecision; conditional: boolean} {
	const covering = documents.flatMap(statements).filter(statement => statementCovers(statement, action));
	const unconditional = covering.filter(statement => statement.Condition === undefined);
	const decision = unconditional.some(statement => statement.Effect === 'Deny')
		? 'denied'
		: unconditional.some(statement => statement.Effect === 'Allow')
			? 'allowed'
			: 'not-allowed';
	return {decision, conditional: covering.length > unconditional.length};
}
