/**
 * Text made safe for where it is printed: on a terminal (printable), as a shell word (shellQuote), as a value in
 * ~/.aws/config (iniValue). Each format has this one function; nothing else builds such text from outside values.
 */
import {ProblemError} from './problem.js';

// Whole escape sequences first (CSI, OSC, then any other ESC pair), so no fragment of one survives as text.
const escapeSequence = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B[@-_]?/g;
// C0 and C1 controls and DEL; line breaks and tabs are kept, as messages use them.
const controlCharacter = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** A session length as people read it: "1 h", "12 h", "1.03 h". */
export function hours(seconds: number): string {
	const value = seconds / 3600;
	return `${Number.isInteger(value) ? value : value.toFixed(2)} h`;
}

export function printable(text: string): string {
	return text.replace(escapeSequence, '').replace(controlCharacter, '');
}

/** One shell word, whatever it holds: as it is when every character is safe (as Python's shlex.quote), else single-quoted. */
export function shellQuote(text: string): string {
	if (/^[\w@%+=:,./-]+$/.test(text)) return text; // \w is ASCII here: no u flag
	return `'${text.replaceAll("'", `'\\''`)}'`;
}

// INI has no quoting: a line break would start a line of its own (a new section, a credential_process), and a
// control character could hide what the line says. Such a value cannot be made safe, only refused.
const unsafeInIni = /[\u0000-\u001F\u007F-\u009F]/;

/** Lines of a ~/.aws/config block, joined: refused (a ProblemError), never printed, when a value would break its line. */
export function iniBlock(lines: string[]): string {
	const unsafe = lines.find(line => unsafeInIni.test(line));
	if (unsafe !== undefined) {
		const setting = /^([\w-]+) = /.exec(unsafe)?.[1];
		throw new ProblemError({
			title: `billing-setup will not print the ~/.aws/config profile: ${setting ? `its ${setting}` : 'a line of it'} holds a line break or control character.`,
			why: `The line would be ${JSON.stringify(unsafe)}, and a line break in it adds lines (a section, a credential_process) of its own to the profile.`,
			next: 'If it came from saved progress, run `billing-setup reset` for this account and set it up again; if from AWS_PROFILE, --profile or AWS_REGION, correct that.',
		});
	}
	return lines.join('\n');
}
