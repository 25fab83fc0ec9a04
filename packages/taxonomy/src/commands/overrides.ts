import { ENV_VARS, SLICE_NAMES, parseOverride, type SliceName } from '@taxonomy/config';
import { didYouMean, usageError } from './usage.ts';

/**
 * Groups `-o slice.key=value` overrides per slice into the environment variables the phase tasks read
 * (`TAXONOMY_OVERRIDES_<SLICE>` = `key=value;key=value`, keys relative to the slice). These variables are
 * Nx task inputs, so an override re-runs exactly the tasks that read that slice. Values already present
 * in `existing` come first, so a `-o` given on the command line wins over the environment.
 */
export function groupOverridesIntoEnv(
  overrides: ReadonlyArray<string>,
  existing: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const bySlice = new Map<SliceName, string[]>();
  for (const override of overrides) {
    const { path, raw } = parseOverride(override);
    const [slice, ...rest] = path as [string, ...string[]];
    if (!(SLICE_NAMES as string[]).includes(slice)) {
      throw usageError(`override "${override}": unknown config section "${slice}"${didYouMean(slice, SLICE_NAMES)}`);
    }
    if (rest.length === 0) throw usageError(`override "${override}": name a setting inside the section`);
    if (/[;\n]/u.test(raw)) throw usageError(`override "${override}": a value cannot contain ";" or a newline when passed to Nx`);
    const list = bySlice.get(slice as SliceName) ?? [];
    list.push(`${rest.join('.')}=${raw}`);
    bySlice.set(slice as SliceName, list);
  }
  const env: Record<string, string> = {};
  for (const [slice, items] of bySlice) {
    const name = ENV_VARS.overrides(slice);
    const before = existing[name]?.trim();
    env[name] = [...(before === undefined || before === '' ? [] : [before]), ...items].join(';');
  }
  return env;
}
