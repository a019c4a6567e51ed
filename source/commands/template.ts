/** billing-setup template: the wizard's role as a CloudFormation template on stdout. No AWS call, no credentials. */
import type {TemplateOptions} from '../args.js';
import {exitCodes} from '../core/problem.js';
import {defaultSettings} from '../core/settings.js';
import {buildTemplate, stackSetScript} from '../core/template.js';
import {toYaml} from '../core/yaml.js';

export function runTemplate(options: TemplateOptions): number {
	// Flags and defaults only: saved progress belongs to one account, and a template is for any.
	const settings = {...defaultSettings, ...options.presets};
	const template = buildTemplate(settings);
	process.stdout.write(options.format === 'yaml' ? toYaml(template) : `${JSON.stringify(template, null, 2)}\n`);
	if (options.stackset) process.stderr.write(stackSetScript({roleName: settings.roleName, ...options}));
	return exitCodes.done;
}
