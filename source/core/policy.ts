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

type Statement = {Effect?: unknown; Principal?: unknown; NotPrincipal?: unknown; Condition?: unknown};

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
export function principalLabel(principal: string): string {
	if (principal === '*') return 'anyone (*)';
	const [kind, ...rest] = principal.split(':');
	const value = rest.join(':');
	if (kind !== 'AWS') return value || principal;
	if (/^\d{12}$/.test(value)) return `account ${value}`;
	const match = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):(.+)$/.exec(value);
	if (!match) return value;
	return match[2] === 'root' ? `account ${match[1]}` : match[2]!;
}
