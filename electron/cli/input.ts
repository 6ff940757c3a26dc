// Rules for what people type on the command line, in one place for every command: no empty values,
// comma lists without empty items, restore point ids in one format. An empty shell variable
// (`--collections "$LIST"`) must never widen what a command does, so each is a usage error (exit 2)
// before anything runs.
import type { Command } from 'commander';
import { SNAPSHOT_ID_PATTERN } from '../../shared/api/id-pattern';
import { userError, type UserError } from '../../shared/errors';

export function usageError(message: string, hint: string): UserError {
  return userError('INVALID_INPUT', 'Wrong usage', message, hint);
}

const blank = (v: unknown): boolean => typeof v === 'string' && v.trim() === '';

/**
 * Refuse an empty (or blank) value given to any option or argument of the command about to run or of
 * the commands above it (`--home ''`, `--to=`, `--tag ''`, `--collections a,,b`). Values from defaults
 * are not checked: only what was typed. Runs as commander's preAction hook, so it covers every command
 * registered now or later, before its action starts.
 */
export function refuseEmptyValues(command: Command): void {
  for (let cmd: Command | null = command; cmd; cmd = cmd.parent) {
    for (const option of cmd.options) {
      if (!option.required && !option.optional) continue; // a switch (--yes) takes no value
      const key = option.attributeName();
      if (cmd.getOptionValueSource(key) !== 'cli') continue;
      const value: unknown = cmd.getOptionValue(key);
      const name = option.long ?? option.short ?? key;
      const items = Array.isArray(value) ? (value as unknown[]) : [value];
      if (!items.some(blank)) continue;
      if (option.parseArg === commaList && !items.every(blank)) {
        throw usageError(`${name} has an empty item in its list.`, `Separate the items by single commas, with none at either end, e.g. ${name} users,shares.`);
      }
      throw usageError(`${name} was given an empty value.`, `Give ${name} a value${option.mandatory ? '' : `, or leave ${name} out`}. (An empty shell variable gives an empty value: check the script.)`);
    }
  }
  if (command.processedArgs.some(blank)) {
    const names: string[] = [];
    for (let cmd: Command | null = command; cmd?.parent; cmd = cmd.parent) names.unshift(cmd.name());
    throw usageError('An argument is empty.', `Run "pci-maint ${names.join(' ')} --help" to see what it needs.`);
  }
}

/** Option parser for a comma-separated list: the items, trimmed; empty ones are refused by refuseEmptyValues. */
export function commaList(value: string): string[] {
  return value.split(',').map((item) => item.trim());
}

/** Option parser for `--snapshot`: a restore point id as the backup format writes them, or one of `words`. */
export function snapshotArg(...words: Array<'latest' | 'all'>): (value: string) => string {
  return (value) => {
    if (blank(value)) return value; // refused by refuseEmptyValues, with the same words as any empty value
    if (words.includes(value as 'latest') || SNAPSHOT_ID_PATTERN.test(value)) return value;
    const either = words.map((w) => `"${w}"`).join(' or ');
    throw userError('INVALID_INPUT', 'Invalid restore point', `"${value}" is not a restore point id.`, `Use the 32-character id shown by "pci-maint snapshots"${either ? `, or ${either}` : ''}.`);
  };
}
