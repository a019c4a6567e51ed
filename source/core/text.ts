/** Text from outside (AWS answers, the progress file, error messages) made safe to print on a terminal. */

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
