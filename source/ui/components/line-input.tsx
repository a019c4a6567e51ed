import {TextInput} from '@inkjs/ui';
import type {ComponentProps} from 'react';

/**
 * A TextInput that takes a pasted line as if typed and entered: a paste arrives as one chunk such as
 * "Finance\r", which Ink passes on as text, not as Enter. Blanks around the line are dropped.
 */
export function LineInput({onChange, onSubmit, ...props}: ComponentProps<typeof TextInput>) {
	return (
		<TextInput
			{...props}
			onChange={value => {
				if (!/[\r\n]/.test(value)) return onChange?.(value);
				const line = value.split(/[\r\n]/)[0]!.trim();
				onChange?.(line);
				onSubmit?.(line);
			}}
			onSubmit={value => onSubmit?.(value.trim())}
		/>
	);
}
